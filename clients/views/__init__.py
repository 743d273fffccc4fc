"""Client views: records (list, page, intake, families, histories) and the exchange format."""
