"""The quiz core: bank loading and validation, grading, sessions and scheduling.

Nothing in this package imports Textual; the app and the CLI are two faces on it.
"""
