"""Reports of the command line: validation results, badges, data changes."""
