"""Local mode only (`make run`, the tests and the bench): the embedded emulator and its fix, the stack deploy, demo
data, the stream poller, the site served on one origin, and the /dev outbox. Never imported on Lambda."""
