// Package logstore keeps the local Lambda's function logs in memory, as
// CloudWatch Logs would hold them: log groups (/aws/lambda/NAME), one
// stream per execution environment, events in order. The store is bounded
// in bytes (the oldest events go first), never blocks its writers, and
// feeds live subscribers.
//
// The main types:
//
//   - [Store] holds everything; functions write through [Store.Append]
//     to a [Stream] ([Store.Stream] creates it, [Store.Retire] lets it go
//     once its environment is gone and its events are evicted).
//   - [StreamView] is a read-only, lock-free view of a stream at one
//     instant, from [Store.Snapshot] (a group's or every stream) or
//     [Store.View] (one stream). The Logs API and the live tail read
//     through views.
//   - [Subscription] is a live feed of new events ([Store.Subscribe]) that
//     drops what its reader is too slow to take rather than wait.
//
// Readers do not hold the store's lock while they read: a snapshot takes,
// under the lock, a few slice headers per stream (no event is copied),
// and the events are then read without it. That works because a stream
// keeps its events in chunks whose written slots are never changed:
// appends fill slots past every view's end, eviction only moves the
// stream's head, and a chunk whose evicted part should be freed is
// replaced by a copy of its live part rather than cleared (so evicted
// events hold at most about 64 KB or a few hundred events of memory per
// stream). A query over the whole store thus costs writers a few
// microseconds of lock per snapshot, however long the scan takes.
package logstore
