"""Report generation: notebook execution, HTML/PDF export, batch runs and their CLI."""
