# Reference values for packages/portfolio/src/analytics/*.test.ts (R PerformanceAnalytics 2.0.8).
# Usage: Rscript performance-analytics-reference.R   (from this directory)
library(xts)
library(PerformanceAnalytics)
goog <- read.csv("goog.csv")
close <- xts(goog$Close, order.by = as.Date(goog$Date))
R <- na.omit(Return.calculate(close, method = "discrete")) # close[t] / close[t-1] - 1, 1046 values
options(digits = 15)
print(SharpeRatio.annualized(R, Rf = 0, scale = 252))  # 0.958237311700736
print(SortinoRatio(R, MAR = 0))                        # 0.100292443144165
print(maxDrawdown(R))                                  # 0.556505210369512
print(CalmarRatio(R, scale = 252))                     # 0.652041657778625
