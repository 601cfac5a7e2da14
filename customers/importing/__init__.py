"""Import a PrestaShop shop's customers and orders into the `ps_*` mirror (spec 1).

Two sources give the same rows: the shop's MySQL/MariaDB database
(`mysql_source`) and its Webservice API (`webservice_source`). `importer` turns
them into upserts that keep PrestaShop's ids, one transaction per batch, and
remembers per table how far it got (`ImportState`) so an incremental run reads
only what changed.

Broken text: a value that is not valid UTF-8 is imported with U+FFFD
replacement characters (the row is kept: an order must not vanish over one bad
byte) and reported in one line naming the table, the row id and the column.
"""
