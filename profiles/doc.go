// Package profiles reads lambench.toml: the local Lambda's function
// definitions (and, later, profiles naming targets, saved events and load
// scenarios). Parsing and validation errors carry file:line:col so the user
// can go straight to the mistake.
package profiles
