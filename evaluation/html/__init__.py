"""The self-contained HTML report: page layout, span marks, summary tables and assets."""
