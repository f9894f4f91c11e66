namespace Metrics.Analytics.Projection;

/// <summary>
/// Derivative-free minimisation (Nelder and Mead's simplex, standard coefficients), enough for
/// the four smoothing parameters of Holt-Winters. Deterministic: the same start gives the same answer.
/// </summary>
internal static class NelderMead
{
    public static double[] Minimise(Func<double[], double> cost, double[] start, double step = 0.5, int maxEvaluations = 2000, double tolerance = 1e-10)
    {
        var n = start.Length;
        var simplex = new double[n + 1][];
        var costs = new double[n + 1];
        for (var i = 0; i <= n; i++)
        {
            simplex[i] = (double[])start.Clone();
            if (i > 0)
            {
                simplex[i][i - 1] += step;
            }

            costs[i] = cost(simplex[i]);
        }

        var evaluations = n + 1;
        while (evaluations < maxEvaluations)
        {
            Array.Sort(costs, simplex);
            if (Math.Abs(costs[n] - costs[0]) <= tolerance * (Math.Abs(costs[0]) + tolerance))
            {
                break;
            }

            var centroid = new double[n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    centroid[j] += simplex[i][j] / n;
                }
            }

            double[] Towards(double factor) => [.. centroid.Select((c, j) => c + (factor * (simplex[n][j] - c)))];

            var reflected = Towards(-1);
            var reflectedCost = cost(reflected);
            evaluations++;
            if (reflectedCost < costs[0])
            {
                var expanded = Towards(-2);
                var expandedCost = cost(expanded);
                evaluations++;
                (simplex[n], costs[n]) = expandedCost < reflectedCost ? (expanded, expandedCost) : (reflected, reflectedCost);
                continue;
            }

            if (reflectedCost < costs[n - 1])
            {
                (simplex[n], costs[n]) = (reflected, reflectedCost);
                continue;
            }

            var contracted = reflectedCost < costs[n] ? Towards(-0.5) : Towards(0.5);
            var contractedCost = cost(contracted);
            evaluations++;
            if (contractedCost < Math.Min(reflectedCost, costs[n]))
            {
                (simplex[n], costs[n]) = (contracted, contractedCost);
                continue;
            }

            for (var i = 1; i <= n; i++)
            {
                simplex[i] = [.. simplex[i].Select((x, j) => simplex[0][j] + (0.5 * (x - simplex[0][j])))];
                costs[i] = cost(simplex[i]);
                evaluations++;
            }
        }

        Array.Sort(costs, simplex);
        return simplex[0];
    }
}
