package local

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Announcement is what a running `lambench serve` publishes so that the
// local target of other commands (invoke, logs, load...) uses it instead
// of starting a local Lambda of their own: warm environments, logs and
// asynchronous queues are then shared between commands, as they are on AWS.
type Announcement struct {
	// Endpoint is its Lambda API.
	Endpoint string `json:"endpoint"`
	// HTTPEndpoint is its HTTP front, if any.
	HTTPEndpoint string `json:"http_endpoint,omitempty"`
	// PID is the serve process.
	PID int `json:"pid"`
	// Config is the absolute path of the lambench.toml it serves; empty
	// when it serves the demo functions.
	Config string `json:"config"`
	// Started is when it started listening.
	Started time.Time `json:"started"`
}

// announcementPath is the file of the serve of config in dir.
func announcementPath(dir, config string) string {
	sum := sha256.Sum256([]byte("lambench-serve\x00" + config))
	return filepath.Join(dir, "serve-"+hex.EncodeToString(sum[:8])+".json")
}

// Announce publishes a in dir (one file per configuration; the latest
// serve wins). withdraw removes it, if it is still a's.
func Announce(dir string, a Announcement) (withdraw func(), err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("announce the local Lambda: %w", err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	path := announcementPath(dir, a.Config)
	tmp, err := os.CreateTemp(dir, ".serve-*")
	if err != nil {
		return nil, fmt.Errorf("announce the local Lambda: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	tmp.Close()
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return nil, err
	}
	return func() {
		if cur, err := read(path); err == nil && cur.PID == a.PID && cur.Endpoint == a.Endpoint {
			os.Remove(path)
		}
	}, nil
}

// Find returns the announcement of a live serve of config in dir. A file
// left by a serve that is gone is removed.
func Find(dir, config string) (*Announcement, bool) {
	if dir == "" {
		return nil, false
	}
	path := announcementPath(dir, config)
	a, err := read(path)
	if err != nil {
		return nil, false
	}
	if a.Config != config || !alive(a.PID) || !listening(a.Endpoint) {
		if !alive(a.PID) {
			os.Remove(path)
		}
		return nil, false
	}
	return a, true
}

func read(path string) (*Announcement, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var a Announcement
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	if a.Endpoint == "" || a.PID <= 0 {
		return nil, errors.New("incomplete announcement")
	}
	return &a, nil
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func listening(endpoint string) bool {
	host := endpoint
	for _, p := range []string{"http://", "https://"} {
		if len(host) > len(p) && host[:len(p)] == p {
			host = host[len(p):]
		}
	}
	c, err := net.DialTimeout("tcp", host, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}
