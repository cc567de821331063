// Command gosweep is bench/sweep and bench/ops's "set 10" on Go's
// http.Header, guarded by a sync.Mutex as a server that shares one header
// between goroutines must guard it.  It mirrors the C programs call for call
// (the same names, values, blocks of 16 and rounds), so that bench/run.sh
// section gosweep can put the two side by side.
//
//	gosweep [-scale S]             "gosweep OP N NS" lines (bench/sweep's ops)
//	                               and "goset10 set 10 NS" (bench/ops's set 10)
//	gosweep -count OP,N,ITERS      runs ITERS calls of OP with N present, once,
//	                               for instruction counting under callgrind
//	gosweep -count OP,N,ITERS,R    prints the fastest of R such runs
//
// OP is set, add, get, del, cookie (http.SetCookie) or cookieadd
// (Header.Add of a formatted "Set-Cookie" value).  Standard library only.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	rounds = 7
	block  = 16
	maxf   = 4000
)

var (
	names, blk, cookieLine []string
	vals                   [2][]string
	common                 = []string{"Content-Type", "Cache-Control",
		"X-Request-Id", "Vary", "ETag", "Last-Modified", "X-Frame-Options",
		"Server-Timing", "Expires", "X-Content-Type-Options"}
	commonVals [2][]string
	sinkStr    string
)

func makeNames() {
	for i := 0; i < maxf; i++ {
		names = append(names, fmt.Sprintf("X-Header-%04d", i))
		vals[0] = append(vals[0], fmt.Sprintf("value-%06d", i))
		vals[1] = append(vals[1], fmt.Sprintf("other-%06d", i))
	}
	for i := 0; i < block; i++ {
		blk = append(blk, fmt.Sprintf("X-Blk-%02d", i))
		cookieLine = append(cookieLine, blk[i]+"=v")
	}
	for i := range common {
		commonVals[0] = append(commonVals[0], fmt.Sprintf("value-%06d", i))
		commonVals[1] = append(commonVals[1], fmt.Sprintf("other-%06d", i))
	}
}

// guarded is the response a server shares between goroutines: the header
// and the mutex every call takes.  It is also an http.ResponseWriter, so
// that http.SetCookie writes to it as it would to a real one.
type guarded struct {
	mu sync.Mutex
	h  http.Header
}

func (g *guarded) Header() http.Header         { return g.h }
func (g *guarded) Write(b []byte) (int, error) { return len(b), nil }
func (g *guarded) WriteHeader(int)             {}

func (g *guarded) set(k, v string) { g.mu.Lock(); g.h.Set(k, v); g.mu.Unlock() }
func (g *guarded) add(k, v string) { g.mu.Lock(); g.h.Add(k, v); g.mu.Unlock() }
func (g *guarded) del(k string)    { g.mu.Lock(); g.h.Del(k); g.mu.Unlock() }
func (g *guarded) get(k string) string {
	g.mu.Lock()
	v := g.h.Get(k)
	g.mu.Unlock()
	return v
}

// setCookie is http.SetCookie under the lock.  The Cookie is built by the
// caller, as a handler builds it; formatting it is part of the call.
func (g *guarded) setCookie(c *http.Cookie) {
	g.mu.Lock()
	http.SetCookie(g, c)
	g.mu.Unlock()
}

func fresh(n int) *guarded {
	g := &guarded{h: make(http.Header)}
	for i := 0; i < n; i++ {
		g.h.Set(names[i], vals[0][i])
	}
	return g
}

// run does iters calls of op with n fields present and returns the ns per
// call.  As in bench/sweep, add, del and the cookies are timed in blocks of
// 16 on top of the n fields and undone untimed.
func run(op string, n int, iters int) float64 {
	g := fresh(n)
	var sum time.Duration
	done := 0
	switch op {
	case "set":
		t0 := time.Now()
		for i := 0; i < iters; i++ {
			g.set(names[i%n], vals[i&1][i%n])
		}
		return float64(time.Since(t0).Nanoseconds()) / float64(iters)
	case "get":
		t0 := time.Now()
		for i := 0; i < iters; i++ {
			sinkStr = g.get(names[i%n])
		}
		return float64(time.Since(t0).Nanoseconds()) / float64(iters)
	}
	var cookies [block]http.Cookie
	for done < iters {
		if op == "del" {
			for i := 0; i < block; i++ {
				g.add(blk[i], "v")
			}
		}
		if op == "cookie" {
			for i := 0; i < block; i++ {
				cookies[i] = http.Cookie{Name: blk[i], Value: "v"}
			}
		}
		t0 := time.Now()
		for i := 0; i < block; i++ {
			switch op {
			case "add":
				g.add("X-Add", vals[i&1][i])
			case "del":
				g.del(blk[i])
			case "cookie":
				g.setCookie(&cookies[i])
			case "cookieadd":
				g.add("Set-Cookie", cookieLine[i])
			}
		}
		sum += time.Since(t0)
		switch op {
		case "add":
			g.del("X-Add")
		case "cookie", "cookieadd":
			g.del("Set-Cookie")
		}
		done += block
	}
	return float64(sum.Nanoseconds()) / float64(done)
}

// set10 is bench/ops's "set 10": the ten names of a typical response.
func set10(iters int) float64 {
	g := &guarded{h: make(http.Header)}
	for i := range common {
		g.h.Set(common[i], commonVals[0][i])
	}
	t0 := time.Now()
	for i := 0; i < iters; i++ {
		g.set(common[i%10], commonVals[i&1][i%10])
	}
	return float64(time.Since(t0).Nanoseconds()) / float64(iters)
}

func median(f func() float64) float64 {
	v := make([]float64, rounds)
	for i := range v {
		v[i] = f()
	}
	sort.Float64s(v)
	return v[rounds/2]
}

// count is -count OP,N,ITERS[,ROUNDS]: without ROUNDS one run and no
// output, for callgrind; with ROUNDS the fastest of that many runs, for
// short paired runs beside bench/sweep on a busy machine.
func count(spec string) error {
	p := strings.Split(spec, ",")
	if len(p) == 3 {
		p = append(p, "0")
	}
	if len(p) != 4 {
		return fmt.Errorf("-count wants OP,N,ITERS[,ROUNDS]")
	}
	n, err1 := strconv.Atoi(p[1])
	iters, err2 := strconv.Atoi(p[2])
	rounds, err3 := strconv.Atoi(p[3])
	if err1 != nil || err2 != nil || err3 != nil || n < 1 || n > maxf ||
		iters < 1 || rounds < 0 {
		return fmt.Errorf("-count %s: bad N, ITERS or ROUNDS", spec)
	}
	switch p[0] {
	case "set", "add", "get", "del", "cookie", "cookieadd":
	default:
		return fmt.Errorf("-count %s: unknown OP", spec)
	}
	if rounds == 0 {
		run(p[0], n, iters)
		return nil
	}
	best := 0.0
	for k := 0; k < rounds; k++ {
		if v := run(p[0], n, iters); k == 0 || v < best {
			best = v
		}
	}
	fmt.Printf("gosweep %s %d %.1f\n", p[0], n, best)
	return nil
}

func main() {
	scale := flag.Float64("scale", 1, "iterations scale, as bench/sweep's argument")
	spec := flag.String("count", "", "OP,N,ITERS: one run, no output")
	flag.Parse()
	makeNames()
	if *spec != "" {
		if err := count(*spec); err != nil {
			fmt.Fprintln(os.Stderr, "gosweep:", err)
			os.Exit(2)
		}
		return
	}
	iters := int(100000 * *scale)
	if iters < block {
		iters = block
	}
	for _, op := range []string{"set", "add", "get", "del", "cookie", "cookieadd"} {
		for _, n := range []int{4, 16, 64, 256, 1000, 4000} {
			fmt.Printf("gosweep %s %d %.1f\n", op, n,
				median(func() float64 { return run(op, n, iters) }))
		}
	}
	s10 := int(200000 * *scale)
	fmt.Printf("goset10 set 10 %.1f\n", median(func() float64 { return set10(s10) }))
}
