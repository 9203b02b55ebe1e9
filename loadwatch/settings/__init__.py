"""Settings: the config file, the checks every value passes, shoe settings and user folders.

The lowest stage after the shared types: nothing here reads activity files.
"""
