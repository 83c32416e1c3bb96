"""Service index (QĐ 766/QĐ-TTg): indicators, scoring, and the rates behind them."""
