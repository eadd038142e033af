"""Fire control, doctrine, Monte Carlo engagement and closed-form leakage."""
