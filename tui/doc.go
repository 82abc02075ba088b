// Package tui is lambench's terminal workbench, on Bubble Tea v1: a root
// Model with a frame (header with the target, the active screen, a
// status line, a footer with the keys that matter now, `?` for all keys)
// and screens: functions (table, filter, sort, details with the session's
// invocation stats), invoke (trigger event templates, a parameter form,
// raw JSON in a text area or $EDITOR, saved events, results and their
// history) and logs (a live tail with follow/pause, filter, scrollback).
//
// # Screens
//
// A Screen is Init/Update/View plus SetSize, Title, a help.KeyMap (its
// keys, taken from the one KeyMap) and Capturing (true while it takes
// text, so that the root leaves letters to it). Optional interfaces:
// Focuser (told when shown and hidden), Backer (handles Esc inside the
// screen), QuitGuard (asks before quitting, e.g. during a load test) and
// Closer (cancels what the screen owns). Every screen gets a *Common: the
// context (ended on quit), the client (nil until connected; a
// ConnectedMsg says when it is set), Styles, Keys, templates, saved events
// and Stats. Key messages go to the active screen only; every other
// message goes to every screen, so streams keep flowing in the
// background: tag your messages (an id, a generation) and ignore others.
// Screens ask the root for things with messages: SwitchMsg, SelectMsg
// (the selected function), StatusMsg (Status, StatusErr).
//
// # The load screen
//
// tui does not import tui/loadview: Options.LoadScreen (a LoadScreenFunc,
// func(*Common, function string) Screen) is plugged in by cmd/lambench.
// The root calls it when the load screen (key 4, `L` on a function,
// `:load`) is shown for a function other than the one its current load
// screen was made for, Closing the old one unless its QuitPrompt says a
// run is going on. Without a constructor a placeholder points at
// `lambench load FUNCTION --help`. loadview imports tui for Styles,
// KeyMap, Common and the messages above; its charts are block characters
// of its own (ntcharts needs bubblezone for every chart, a dependency the
// load screen does not need).
//
// # I/O
//
// View does no I/O. Every call to the client runs in a tea.Cmd; streams
// (the functions' pages, log lines) are read by a goroutine owned by the
// screen into a channel, and a "wait for next" command reads the next item
// and is issued again after each message. Run closes the client when the
// program ends, which stops a local Lambda it started.
package tui
