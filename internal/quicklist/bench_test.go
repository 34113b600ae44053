package quicklist

import (
	"strconv"
	"testing"
)

func BenchmarkPushTail(b *testing.B) {
	for _, depth := range []int{0, 1} {
		b.Run("depth"+strconv.Itoa(depth), func(b *testing.B) {
			l := New(-2, depth)
			v := []byte("0123456789")
			for i := 0; i < b.N; i++ {
				v[0] = byte('a' + i%26)
				l.PushTail(v)
			}
		})
	}
}

func BenchmarkPushHeadPopTail(b *testing.B) {
	l := New(-2, 0)
	v := []byte("0123456789")
	for range 1000 {
		l.PushHead(v)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.PushHead(v)
		l.PopTail()
	}
}

func BenchmarkIndex(b *testing.B) {
	l := New(-2, 0)
	for i := range 1_000_000 {
		l.PushTail([]byte("element-" + strconv.Itoa(i)))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Index((i * 7919) % 1_000_000)
	}
}

func BenchmarkRange100(b *testing.B) {
	l := New(-2, 1)
	for i := range 100_000 {
		l.PushTail([]byte("element-" + strconv.Itoa(i)))
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		start := (i * 7919) % 99_000
		l.Range(start, start+99, func(_ int, v []byte) bool { n += len(v); return true })
	}
}

func BenchmarkRangeHead100(b *testing.B) {
	l := New(-2, 0)
	for range 1000 {
		l.PushHead([]byte("xxx"))
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		l.Range(0, 99, func(_ int, v []byte) bool { n += len(v); return true })
	}
}
