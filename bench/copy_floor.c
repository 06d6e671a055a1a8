/*
 * copy_floor.c - the least a --data on replay can pay per miss: one 4 KiB pread from a file
 * whose pages are resident in the OS page cache, at random page offsets, into random 4 KiB
 * frames of a 2 MiB-page region the size of the bench's cache (what pcsim's data path does
 * per missed page), and, for comparison, a memcpy from a mapping of the same file.
 *
 * Usage: copy_floor FILE FRAMES READS. bench/run.sh runs it on the filled device it replays
 * against and prints both figures next to pcsim's.
 */
#define _GNU_SOURCE 1
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* xorshift64: the same offsets for both methods. */
static uint64_t
next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

int
main(int argc, char **argv)
{
	uint64_t x, pages, frames, reads;
	unsigned char *fr, *map;
	off_t size;
	double t, pread_us, mmap_us;
	volatile unsigned char sink;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: %s FILE FRAMES READS\n", argv[0]);
		return 2;
	}
	frames = strtoull(argv[2], NULL, 10);
	reads = strtoull(argv[3], NULL, 10);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || (size = lseek(fd, 0, SEEK_END)) < 4096 || frames == 0 || reads == 0) {
		fprintf(stderr, "%s: %s: cannot open, or smaller than a page\n", argv[0], argv[1]);
		return 1;
	}
	pages = (uint64_t) size / 4096;
	fr = mmap(NULL, frames * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	map = mmap(NULL, (size_t) size, PROT_READ, MAP_SHARED, fd, 0);
	if (fr == MAP_FAILED || map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	madvise(fr, frames * 4096, MADV_HUGEPAGE);
	memset(fr, 1, frames * 4096);
	x = 88172645463325252ull;
	t = now();
	for (uint64_t i = 0; i < reads; i++) {
		uint64_t r = next(&x);

		if (pread(fd, fr + (r >> 32) % frames * 4096, 4096, (off_t) (r % pages * 4096)) != 4096) {
			perror("pread");
			return 1;
		}
	}
	pread_us = (now() - t) / (double) reads * 1e6;
	/* The mapping's page tables first (a touch per page: fallocated tmpfs pages are not
	 * mapped around a fault), then the copies. */
	for (uint64_t p = 0; p < pages; p++)
		sink = map[p * 4096];
	x = 88172645463325252ull;
	t = now();
	for (uint64_t i = 0; i < reads; i++) {
		uint64_t r = next(&x);

		memcpy(fr + (r >> 32) % frames * 4096, map + r % pages * 4096, 4096);
	}
	mmap_us = (now() - t) / (double) reads * 1e6;
	(void) sink;
	printf("%.2f %.2f\n", pread_us, mmap_us);
	return 0;
}
