"""Points pages, one module per area; `points/urls.py` names them."""
