# Cross-checks the benchmark's minimum-variance solutions (100 and 500 assets, with bounds) against
# R's quadprog, and times solve.QP on the same problems for comparison with the JavaScript port.
#   npx tsx --conditions=@rxtrade/source packages/portfolio/bench/optimizers.bench.ts --dump /tmp/optimizers-bench.json
#   Rscript packages/portfolio/scripts/optimizers-bench-crosscheck.R /tmp/optimizers-bench.json
library(quadprog)
library(jsonlite)
d <- fromJSON(commandArgs(trailingOnly = TRUE)[1])
for (key in c("minVariance100", "minVariance500")) {
  p <- d[[key]]
  S <- p$covariance
  n <- nrow(S)
  A <- cbind(rep(1, n), diag(n), -diag(n))
  b <- c(1, rep(0, n), rep(-p$upper, n))
  times <- numeric(5)
  for (r in 1:5) {
    t0 <- proc.time()[["elapsed"]]
    s <- solve.QP(S, rep(0, n), A, b, meq = 1)
    times[r] <- proc.time()[["elapsed"]] - t0
  }
  gap <- max(abs(s$solution - p$weights))
  cat(sprintf("%s: max |w_R - w_ts| = %.3g; R solve.QP median of 5: %.1f ms\n", key, gap, 1000 * median(times)))
  stopifnot(gap < 1e-8)
}
