"""Pure view data and figures: ViewState and the view names, Dataset, figure builders. Reads data/, no IO."""
