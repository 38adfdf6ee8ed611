# Reference solutions for the quadratic-programming optimizers of @rxtrade/portfolio, computed with
# R's quadprog (solve.QP, Goldfarb-Idnani) on the EDHEC hedge-fund indices.
#
# Run from packages/portfolio:
#   Rscript scripts/optimizers-quadprog-reference.R
# Writes src/__fixtures__/optimizers-quadprog-reference.json. Tested with R 4.x, quadprog 1.5.8, jsonlite.
#
# Conventions (the same as the TypeScript code):
#   sample covariance = cov() (n - 1), expected returns = colMeans().
#   solve.QP minimises -d'b + 1/2 b'Db subject to t(A) b >= b0, the first meq rows equalities.
library(quadprog)
library(jsonlite)

edhec <- read.csv("src/__fixtures__/edhec.csv", check.names = FALSE)
R <- as.matrix(edhec[, -1])
S13 <- cov(R)
mu13 <- colMeans(R)
S5 <- cov(R[, 1:5])

# Constraint matrix of: sum(w) == budget, lower <= w <= upper, group limits.
constraints <- function(n, budget, lower, upper, groups = list()) {
  A <- cbind(rep(1, n), diag(n), -diag(n))
  b <- c(budget, rep(lower, length.out = n), -rep(upper, length.out = n))
  for (g in groups) {
    ind <- rep(0, n); ind[g$assets + 1] <- 1 # 0-based indices in the fixture
    if (!is.null(g$min)) { A <- cbind(A, ind); b <- c(b, g$min) }
    if (!is.null(g$max)) { A <- cbind(A, -ind); b <- c(b, -g$max) }
  }
  list(A = A, b = b)
}

cases <- list()

# 1. The reference case: first five columns, 0 <= w <= 0.4, sum 1.
k <- constraints(5, 1, 0, 0.4)
s <- solve.QP(S5, rep(0, 5), k$A, k$b, meq = 1)
cases$minVarianceEdhec5 <- list(columns = 5, lower = 0, upper = 0.4, weights = s$solution)

# 2. All 13 columns, 0 <= w <= 0.3, with two group limits.
groups <- list(
  list(assets = c(0, 2, 5, 9), min = 0.35, max = 0.5), # arbitrage-style group
  list(assets = c(1, 7, 11), min = 0.1, max = 0.25) # directional group
)
k <- constraints(13, 1, 0, 0.3, groups)
s <- solve.QP(S13, rep(0, 13), k$A, k$b, meq = 1)
cases$minVarianceGroups <- list(columns = 13, lower = 0, upper = 0.3, groups = groups, weights = s$solution)

# 3. Target return: minimise w'Sw subject to mu'w >= target, 0 <= w <= 0.5, sum 1.
target <- 0.0065
k <- constraints(13, 1, 0, 0.5)
A <- cbind(k$A, mu13); b <- c(k$b, target)
s <- solve.QP(S13, rep(0, 13), A, b, meq = 1)
cases$targetReturn <- list(columns = 13, lower = 0, upper = 0.5, targetReturn = target, weights = s$solution)

# 4. Risk aversion: maximise mu'w - lambda/2 w'Sw, -0.2 <= w <= 0.6, sum 1.
lambda <- 5
k <- constraints(13, 1, -0.2, 0.6)
s <- solve.QP(lambda * S13, mu13, k$A, k$b, meq = 1)
cases$riskAversion <- list(columns = 13, lower = -0.2, upper = 0.6, riskAversion = lambda, weights = s$solution)

# 5. Maximum Sharpe (tangency), 0 <= w <= 0.35, sum 1, rf = 0.002 per month. Homogenised form
#    (Cornuejols & Tutuncu 2007, 8.2): y = kappa w, kappa = sum(y); minimise y'Sy subject to
#    (mu - rf)'y = 1, y >= lower sum(y), y <= upper sum(y); then w = y / sum(y).
rf <- 0.002
n <- 13
A <- cbind(mu13 - rf, diag(n), -diag(n) + 0.35 * matrix(1, n, n))
b <- c(1, rep(0, n), rep(0, n))
s <- solve.QP(S13, rep(0, n), A, b, meq = 1)
w <- s$solution / sum(s$solution)
cases$maxSharpe <- list(columns = 13, lower = 0, upper = 0.35, riskFree = rf, weights = w,
  sharpe = sum(w * (mu13 - rf)) / sqrt(drop(t(w) %*% S13 %*% w)))

# 5b. Maximum Sharpe, long-short: -0.2 <= w <= 0.6, sum 1, with a group cap sum(w[c(9, 10)]) <= 0.4
#     (0-based assets 9 and 10); rows y_i - l kappa >= 0, u kappa - y_i >= 0, 0.4 kappa - y_9 - y_10 >= 0
#     and kappa = sum(y) >= 0.
ones <- matrix(1, n, n)
g <- rep(0, n); g[c(10, 11)] <- 1
A <- cbind(mu13 - rf, rep(1, n), diag(n) + 0.2 * ones, -diag(n) + 0.6 * ones, 0.4 * rep(1, n) - g)
b <- c(1, 0, rep(0, n), rep(0, n), 0)
s <- solve.QP(S13, rep(0, n), A, b, meq = 1)
w <- s$solution / sum(s$solution)
cases$maxSharpeLongShort <- list(columns = 13, lower = -0.2, upper = 0.6, riskFree = rf,
  groups = list(list(assets = c(9, 10), max = 0.4)), weights = w,
  sharpe = sum(w * (mu13 - rf)) / sqrt(drop(t(w) %*% S13 %*% w)))

# 6. Minimum variance with a quadratic transaction-cost penalty sum(k_i (w_i - w0_i)^2),
#    0 <= w <= 0.4: minimise w'Sw + sum(k (w - w0)^2) = 1/2 w'(2S + 2K)w - (2K w0)'w + const.
w0 <- rep(1 / 13, 13)
kappa <- 0.002
k <- constraints(13, 1, 0, 0.4)
s <- solve.QP(2 * S13 + 2 * kappa * diag(13), 2 * kappa * w0, k$A, k$b, meq = 1)
cases$transactionCost <- list(columns = 13, lower = 0, upper = 0.4, previousWeights = w0, penalty = kappa,
  weights = s$solution)

out <- list(
  generatedBy = "scripts/optimizers-quadprog-reference.R",
  quadprog = as.character(packageVersion("quadprog")),
  R = R.version.string,
  sampleCovariance13 = unname(S13),
  mean13 = unname(mu13),
  cases = cases
)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE), "src/__fixtures__/optimizers-quadprog-reference.json")
cat("minVarianceEdhec5:", sprintf("%.16g", cases$minVarianceEdhec5$weights), "\n")
