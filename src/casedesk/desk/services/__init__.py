"""The desk's services: the only code that writes canned replies, followers, watchers, presence."""
