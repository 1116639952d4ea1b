"""Program operations (SPEC §8): badge notices to partners and the review calendar.

``events`` reads the badge timeline and says which notice each day calls for; ``messages``
writes each notice as an e-mail; ``smtp`` submits them; ``calendar`` writes the program
team's review calendar; ``command`` holds the two command-line handlers.
"""
