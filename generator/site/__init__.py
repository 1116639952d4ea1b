"""The public site: the page plan (MkDocs-free), its templates and the thin MkDocs plugin."""
