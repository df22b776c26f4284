"""Push from the provider: a Textual-free webhook receiver and what a monitor needs of it.

Module map: `verify` (HMAC signatures), `events` (typed events from verified bodies),
`http` (a bounded HTTP/1.1 reader), `receiver` (the listener: verify, answer, apply),
`store` (the SQLite dedupe memory, event log and health: also the local channel),
`tail` (a monitor following a receiver's database), `health` (counters and snapshots),
`sender` (signed test deliveries and replays), `settings` (profile keys and the secret).
"""
