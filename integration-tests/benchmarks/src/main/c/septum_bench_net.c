// SPDX-License-Identifier: Apache-2.0
/*
 * Traffic generators of Septum's datapath benchmark, compiled at bench time with gcc.
 *
 *   septum_bench_net udp-send ADDR PORT SECONDS PAYLOAD   sendmmsg() in batches of 64 from one socket
 *   septum_bench_net udp-recv PORT SECONDS                 recvmmsg() until SECONDS or 300 ms of silence
 *   septum_bench_net crr-server PORT                       accept, read 1 byte, write 1 byte, close; until SIGTERM
 *   septum_bench_net crr-client ADDR PORT SECONDS          connect, write, read, close (RST), in a loop
 *
 * Each command prints one line of JSON when done (crr-server when it gets SIGTERM), with "cpu_seconds": the
 * process's user + system time. Without IRQ time accounting (this kernel's build), the softirq work a veth does
 * inline in the sender's system call (forwarding through the node, both tc programs, delivery to the receiving
 * socket) is charged to the sender, which is what makes packets per CPU-second a measure of the datapath's cost. iperf3 -u is not used for packet rates:
 * it sends one datagram per syscall with per-packet timing and tops out far below what the kernel forwards.
 * The receiver reports the rate between its first and last packet, so start-up of either side is not counted.
 * crr-client closes with SO_LINGER 0 (RST), so no TIME_WAIT sockets pile up and source ports are reused
 * at once: each iteration is a new connection for the datapath under test (new conntrack entry, a policy
 * lookup in Septum, the rule walk in iptables).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define MAX_PAYLOAD 1472

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* User + system CPU time of this process; the kernel derives both from the scheduler's exact runtime. */
static double cpu_seconds(void)
{
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void fail(const char *what)
{
	fprintf(stderr, "septum_bench_net: %s: %s\n", what, strerror(errno));
	exit(2);
}

static struct sockaddr_in address_of(const char *ip, const char *port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		fprintf(stderr, "septum_bench_net: not an IPv4 address: %s\n", ip);
		exit(2);
	}
	return sa;
}

static int udp_send(const char *ip, const char *port, double seconds, int payload)
{
	static char buffer[MAX_PAYLOAD];
	struct sockaddr_in to = address_of(ip, port);
	struct mmsghdr messages[BATCH];
	struct iovec iov[BATCH];
	unsigned long long sent = 0, errors = 0;
	int fd, i;

	if (payload < 1 || payload > MAX_PAYLOAD) {
		fprintf(stderr, "septum_bench_net: payload must be 1-%d bytes\n", MAX_PAYLOAD);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		fail("socket");
	/* connect() fixes the route and the 5-tuple once: one flow, as a pod talking to one service would. */
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0)
		fail("connect");
	memset(messages, 0, sizeof(messages));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buffer;
		iov[i].iov_len = (size_t)payload;
		messages[i].msg_hdr.msg_iov = &iov[i];
		messages[i].msg_hdr.msg_iovlen = 1;
	}
	double start = now_seconds(), end = start + seconds, t = start;
	while (t < end) {
		int n = sendmmsg(fd, messages, BATCH, 0);
		if (n < 0) {
			/* ENOBUFS/ECONNREFUSED (an ICMP error while nobody listens) are counted, not fatal. */
			errors++;
		} else {
			sent += (unsigned long long)n;
		}
		t = now_seconds();
	}
	printf("{\"sent\":%llu,\"errors\":%llu,\"seconds\":%.6f,\"cpu_seconds\":%.6f}\n", sent, errors, t - start, cpu_seconds());
	return 0;
}

static int udp_recv(const char *port, double seconds)
{
	static char buffers[BATCH][MAX_PAYLOAD];
	struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	struct mmsghdr messages[BATCH];
	struct iovec iov[BATCH];
	struct timeval poll_interval = {.tv_sec = 0, .tv_usec = 100000};
	unsigned long long received = 0;
	double first = 0, last = 0;
	int fd, i, size = 32 << 20;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		fail("socket");
	/* A large buffer absorbs the receiver's scheduling hiccups on a busy machine. */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &poll_interval, sizeof(poll_interval));
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		fail("bind");
	memset(messages, 0, sizeof(messages));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buffers[i];
		iov[i].iov_len = MAX_PAYLOAD;
		messages[i].msg_hdr.msg_iov = &iov[i];
		messages[i].msg_hdr.msg_iovlen = 1;
	}
	printf("ready\n");
	fflush(stdout);
	double deadline = now_seconds() + seconds;
	for (;;) {
		int n = recvmmsg(fd, messages, BATCH, 0, NULL);
		double t = now_seconds();
		if (n > 0) {
			if (received == 0)
				first = t;
			received += (unsigned long long)n;
			last = t;
		} else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			fail("recvmmsg");
		}
		if (t > deadline || (received > 0 && t - last > 0.3))
			break;
	}
	double span = last - first;
	printf("{\"received\":%llu,\"seconds\":%.6f,\"pps\":%.1f,\"cpu_seconds\":%.6f}\n", received, span,
	       span > 0 ? (double)(received - 1) / span : 0.0, cpu_seconds());
	return 0;
}

static volatile sig_atomic_t stop_requested;

static void request_stop(int signal_number)
{
	(void)signal_number;
	stop_requested = 1;
}

static int crr_server(const char *port)
{
	struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port))};
	struct sigaction stop = {.sa_handler = request_stop}; /* no SA_RESTART: accept() returns EINTR */
	unsigned long long served = 0;
	int one = 1, fd;
	char byte;

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGTERM, &stop, NULL);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		fail("bind");
	if (listen(fd, 4096) < 0)
		fail("listen");
	printf("ready\n");
	fflush(stdout);
	while (!stop_requested) {
		int c = accept(fd, NULL, NULL);
		if (c < 0)
			continue;
		if (read(c, &byte, 1) == 1 && write(c, &byte, 1) == 1)
			served++;
		close(c);
	}
	printf("{\"served\":%llu,\"cpu_seconds\":%.6f}\n", served, cpu_seconds());
	return 0;
}

static int crr_client(const char *ip, const char *port, double seconds)
{
	struct sockaddr_in to = address_of(ip, port);
	struct linger rst = {.l_onoff = 1, .l_linger = 0};
	unsigned long long done = 0, failed = 0;
	int one = 1;
	char byte = 'x';

	double start = now_seconds(), end = start + seconds, t = start;
	while (t < end) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			fail("socket");
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		if (connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0 && write(fd, &byte, 1) == 1 && read(fd, &byte, 1) == 1)
			done++;
		else
			failed++;
		close(fd);
		t = now_seconds();
	}
	double span = t - start;
	printf("{\"connections\":%llu,\"failed\":%llu,\"seconds\":%.6f,\"cps\":%.1f,\"cpu_seconds\":%.6f}\n", done, failed, span,
	       span > 0 ? (double)done / span : 0.0, cpu_seconds());
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 6 && strcmp(argv[1], "udp-send") == 0)
		return udp_send(argv[2], argv[3], atof(argv[4]), atoi(argv[5]));
	if (argc == 4 && strcmp(argv[1], "udp-recv") == 0)
		return udp_recv(argv[2], atof(argv[3]));
	if (argc == 3 && strcmp(argv[1], "crr-server") == 0)
		return crr_server(argv[2]);
	if (argc == 5 && strcmp(argv[1], "crr-client") == 0)
		return crr_client(argv[2], argv[3], atof(argv[4]));
	fprintf(stderr, "usage: %s udp-send ADDR PORT SECONDS PAYLOAD | udp-recv PORT SECONDS | crr-server PORT | crr-client ADDR PORT SECONDS\n",
		argv[0]);
	return 2;
}
