"""The report pages (``views``), their tables (``tables``) and CSV/XLSX export
(``export``, its parameters ``downloads``)."""
