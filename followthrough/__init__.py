"""The dashboard's data layer: pages get their data, charts and exports from here, never SQL."""
