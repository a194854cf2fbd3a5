"""Anonymous polls: flows, answering, counts and tally, results, exports, chart, editor, anonymity."""
