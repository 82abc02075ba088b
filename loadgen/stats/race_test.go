//go:build race

package stats

// raceEnabled: the race detector slows Add tenfold; TestMemoryBound then
// skips its million samples.
const raceEnabled = true
