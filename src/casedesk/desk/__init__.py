"""The engineer's desk (issue 18): canned replies, followers and watchers, who is on a case."""
