-- A caller's request id (AIP-155) and the answer it was given, written in the same transaction
-- as the change it made: a caller that lost the connection after the commit sends the request
-- again and gets that answer, not a second batch. The digest tells a repeat from another request
-- sent under the same id. Kept for RequestRepository.KeptFor (7 days).
CREATE TABLE request_answer (
    caller         TEXT    NOT NULL,
    request_id     TEXT    NOT NULL,
    digest         BLOB    NOT NULL,
    answer         BLOB    NOT NULL,
    import_id      INTEGER NULL REFERENCES import_batch (id),
    answered_at_ms INTEGER NOT NULL,
    PRIMARY KEY (caller, request_id)
);

CREATE INDEX ix_request_answer_answered_at ON request_answer (answered_at_ms);
