// Command hdrbench runs libfrb's benchmark workloads on Go's http.Header, the
// seed's own world: guarded by sync.Mutex, by sync.RWMutex, and unguarded
// (which the Go runtime stops with "fatal error: concurrent map writes").
//
// Output lines, one figure each, for bench/run.sh to tabulate:
//
//	go-mutex|go-rwmutex|go-none set1 ns <ns per Set, one goroutine, 10 present>
//	go-mutex|go-rwmutex shared <set|mix> <goroutines> <ops per second>
//	go fill10 ns <ns to fill a fresh header with 10 fields>
//	go crash <yes|no> <the fatal line>
//
// Standard library only; build with GOPROXY=off and a private GOCACHE.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var present = []string{
	"Content-Type", "Cache-Control", "X-Request-Id", "Vary",
	"ETag", "Last-Modified", "X-Frame-Options",
	"Server-Timing", "Expires", "X-Content-Type-Options",
}

var values = []string{"some-value-0001", "some-value-0002",
	"some-value-0003", "some-value-0004"}

func fill(h http.Header) {
	for _, n := range present {
		h.Set(n, "some-value-0000")
	}
}

// locker: Lock/Unlock for writers.  sync.RWMutex's writers take Lock too.
type locker interface {
	Lock()
	Unlock()
}

type nolock struct{}

func (nolock) Lock()   {}
func (nolock) Unlock() {}

// The same cycle of 8 as bench/contention.c: four sets of present headers,
// three adds of X-Add, one set of X-Add that folds them back into one.
func cycle(h http.Header, mu locker, n int) {
	set := func(k, v string) { mu.Lock(); h.Set(k, v); mu.Unlock() }
	add := func(k, v string) { mu.Lock(); h.Add(k, v); mu.Unlock() }
	set(present[n%10], values[n&3])
	add("X-Add", "a-value")
	set(present[(n+3)%10], values[(n+1)&3])
	add("X-Add", "a-value")
	set(present[(n+5)%10], values[(n+2)&3])
	add("X-Add", "a-value")
	set(present[(n+7)%10], values[(n+3)&3])
	set("X-Add", "a-value")
}

// shared runs g goroutines on one header for d and returns operations/s.
func shared(mu locker, work string, g int, d time.Duration) float64 {
	h := http.Header{}
	fill(h)
	var stop int32
	var total int64
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(g)
	done.Add(g)
	for i := 0; i < g; i++ {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			n := 0
			for atomic.LoadInt32(&stop) == 0 {
				if work == "mix" {
					cycle(h, mu, n)
					n += 8
				} else {
					mu.Lock()
					h.Set(present[n%10], values[n&3])
					mu.Unlock()
					n++
				}
			}
			atomic.AddInt64(&total, int64(n))
		}()
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	time.Sleep(d)
	atomic.StoreInt32(&stop, 1)
	done.Wait()
	return float64(total) / time.Since(t0).Seconds()
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}

// set1 is the single-goroutine ns per Set with 10 headers present.  The
// lock is called on its concrete type, as a Go handler would, so that its
// fast path is inlined.
func set1(kind string) float64 {
	h := http.Header{}
	fill(h)
	const iters = 2000000
	var mu sync.Mutex
	var rw sync.RWMutex
	t0 := time.Now()
	switch kind {
	case "go-mutex":
		for i := 0; i < iters; i++ {
			mu.Lock()
			h.Set(present[i%10], values[i&3])
			mu.Unlock()
		}
	case "go-rwmutex":
		for i := 0; i < iters; i++ {
			rw.Lock()
			h.Set(present[i%10], values[i&3])
			rw.Unlock()
		}
	default:
		for i := 0; i < iters; i++ {
			h.Set(present[i%10], values[i&3])
		}
	}
	return float64(time.Since(t0).Nanoseconds()) / iters
}

func fill10() float64 {
	const iters = 200000
	var keep http.Header
	t0 := time.Now()
	for i := 0; i < iters; i++ {
		h := make(http.Header)
		fill(h)
		keep = h
	}
	_ = keep
	return float64(time.Since(t0).Nanoseconds()) / iters
}

// crashChild writes one header from several goroutines with no lock.
func crashChild() {
	h := http.Header{}
	fill(h)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			deadline := time.Now().Add(5 * time.Second)
			for i := 0; time.Now().Before(deadline); i++ {
				h.Set(present[(i+g)%10], values[i&3])
				h.Add("X-Add", "a-value")
				if i%8 == 7 {
					h.Del("X-Add")
				}
			}
		}(g)
	}
	wg.Wait()
	fmt.Println("no crash")
}

func crash() {
	self, err := os.Executable()
	if err != nil {
		fmt.Println("go crash no", err)
		return
	}
	var stderr bytes.Buffer
	cmd := exec.Command(self, "-crash-child")
	cmd.Stderr = &stderr
	err = cmd.Run()
	line := ""
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "fatal error:") {
			line = sc.Text()
			break
		}
	}
	if err != nil && line != "" {
		fmt.Printf("go crash yes %s (%v)\n", line, err)
	} else {
		fmt.Printf("go crash no (exit: %v)\n", err)
	}
}

func main() {
	child := flag.Bool("crash-child", false, "internal: run the unguarded writers")
	runs := flag.Int("runs", 5, "runs per figure (median)")
	ms := flag.Int("ms", 200, "milliseconds per contention run")
	threads := flag.String("threads", "1,2,4,8,16,64", "goroutine counts")
	flag.Parse()
	if *child {
		crashChild()
		return
	}
	var gs []int
	for _, s := range strings.Split(*threads, ",") {
		var g int
		fmt.Sscan(s, &g)
		if g > 0 {
			gs = append(gs, g)
		}
	}
	locks := []struct {
		name string
		mk   func() locker
	}{
		{"go-mutex", func() locker { return &sync.Mutex{} }},
		{"go-rwmutex", func() locker { return &sync.RWMutex{} }},
	}
	for _, name := range []string{"go-mutex", "go-rwmutex", "go-none"} {
		v := make([]float64, *runs)
		for i := range v {
			v[i] = set1(name)
		}
		fmt.Printf("%s set1 ns %.1f\n", name, median(v))
	}
	v := make([]float64, *runs)
	for i := range v {
		v[i] = fill10()
	}
	fmt.Printf("go fill10 ns %.1f\n", median(v))
	d := time.Duration(*ms) * time.Millisecond
	for _, work := range []string{"set", "mix"} {
		for _, g := range gs {
			res := map[string][]float64{}
			// Interleave the locks run by run, as bench/run.sh does.
			for i := 0; i < *runs; i++ {
				for _, l := range locks {
					res[l.name] = append(res[l.name], shared(l.mk(), work, g, d))
				}
			}
			for _, l := range locks {
				fmt.Printf("%s shared %s %d %.0f\n", l.name, work, g, median(res[l.name]))
			}
		}
	}
	crash()
}
