"""engagecycle: self-assessment and benchmarking workbook built on The Engagement Cycle."""

__version__ = "0.1.0"
