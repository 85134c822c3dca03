"""The Textual app (`kata` with no arguments): quiz, katas, review, stats and pictures.

Only this package imports Textual; the core (grader, quiz, exercises, store) never does.
"""
