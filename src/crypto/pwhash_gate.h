/* SPDX-License-Identifier: MIT */
/*
 * The admission gate of a password hasher (see pwhash.h), exposed for tests
 * and metrics: tests hold a slot to make "gate full" deterministic, metrics
 * read the counters. Normal callers use atrium_pwhash_hash/verify only.
 */
#pragma once

struct atrium_pwhasher;

/*
 * Take a slot as a hash would: 0 once running, after waiting if needed;
 * ATRIUM_EBUSY at once when max_concurrent run and max_waiting already wait.
 * Pair each success with atrium_pwhash_gate_leave.
 */
int atrium_pwhash_gate_enter(struct atrium_pwhasher *h);
void atrium_pwhash_gate_leave(struct atrium_pwhasher *h);
/* Snapshot of the callers running and waiting now (either pointer may be NULL). */
void atrium_pwhash_gate_stats(struct atrium_pwhasher *h, unsigned *ret_running,
                              unsigned *ret_waiting);
