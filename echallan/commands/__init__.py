"""Command groups of the ``echallan`` CLI, one module per stage; ``echallan/cli.py`` joins them."""
