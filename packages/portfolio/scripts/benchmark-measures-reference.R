# Reference values for capm-alpha, capm-beta, tracking-error, active-premium, information-ratio and
# contribution-by-weights tests. Base R only (PerformanceAnalytics is not installed here), written out
# from PerformanceAnalytics 2.0.8's definitions:
#   CAPM.beta / CAPM.alpha: lm(xRa ~ xRb) on excess returns Return.excess(R, Rf); alpha per period
#   TrackingError(Ra, Rb, scale) = sd(Ra - Rb) * sqrt(scale)
#   ActivePremium(Ra, Rb, scale) = Return.annualized(Ra, scale) - Return.annualized(Rb, scale), geometric
#   InformationRatio = ActivePremium / TrackingError
#   Return.portfolio(R, weights, contribution = TRUE) with weights reset every period: contribution = w * r
# Run from the package directory:  Rscript scripts/benchmark-measures-reference.R
edhec <- read.csv("src/__fixtures__/edhec.csv", check.names = FALSE)
ra <- edhec[["Convertible Arbitrage"]]
rb <- edhec[["Long/Short Equity"]]
rf <- 0.002
scale <- 12
fit <- lm(I(ra - rf) ~ I(rb - rf))
annualized <- function(r) prod(1 + r)^(scale / length(r)) - 1
te <- sd(ra - rb) * sqrt(scale)
ap <- annualized(ra) - annualized(rb)
# Equal weights over the 13 indices, reset every month: per-period contribution w * r, summed per index.
R <- as.matrix(edhec[, -1])
w <- rep(1 / ncol(R), ncol(R))
contrib <- sweep(R, 2, w, "*")
portfolio <- rowSums(contrib)
out <- c(
  sprintf('"n": %d', length(ra)),
  sprintf('"riskFree": %.17g', rf),
  sprintf('"beta": %.17g', unname(coef(fit)[2])),
  sprintf('"alpha": %.17g', unname(coef(fit)[1])),
  sprintf('"betaNoRf": %.17g', unname(coef(lm(ra ~ rb))[2])),
  sprintf('"alphaNoRf": %.17g', unname(coef(lm(ra ~ rb))[1])),
  sprintf('"trackingError": %.17g', te),
  sprintf('"activePremium": %.17g', ap),
  sprintf('"informationRatio": %.17g', ap / te),
  sprintf('"equalWeightContributionTotals": [%s]', paste(sprintf("%.17g", colSums(contrib)), collapse = ", ")),
  sprintf('"equalWeightCumulativeReturn": %.17g', prod(1 + portfolio) - 1)
)
writeLines(c("{", paste0("  ", out, collapse = ",\n"), "}"), "src/__fixtures__/benchmark-measures-reference.json")
cat(R.version.string, "\n")
