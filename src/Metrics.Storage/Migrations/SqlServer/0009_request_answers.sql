-- A caller's request id (AIP-155) and the answer it was given, written in the same transaction
-- as the change it made: a caller that lost the connection after the commit sends the request
-- again and gets that answer, not a second batch. The digest tells a repeat from another request
-- sent under the same id. Kept for RequestRepository.KeptFor (7 days).
CREATE TABLE request_answer (
    caller         NVARCHAR(200) COLLATE Latin1_General_100_BIN2 NOT NULL,
    request_id     NVARCHAR(36)  COLLATE Latin1_General_100_BIN2 NOT NULL,
    digest         VARBINARY(32)  NOT NULL,
    answer         VARBINARY(MAX) NOT NULL,
    import_id      BIGINT         NULL CONSTRAINT fk_request_answer_import FOREIGN KEY REFERENCES import_batch (id),
    answered_at_ms BIGINT         NOT NULL,
    CONSTRAINT pk_request_answer PRIMARY KEY (caller, request_id)
);

CREATE INDEX ix_request_answer_answered_at ON request_answer (answered_at_ms);
