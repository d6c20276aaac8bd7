/* SPDX-License-Identifier: MIT */
/*
 * RFC 4180 CSV, bounded: a streaming reader of records (comma-separated
 * fields, CRLF or LF line ends, double-quoted fields that may hold commas,
 * quotes doubled, CR and LF; a UTF-8 byte order mark at the start skipped;
 * empty lines skipped) and a field writer that quotes when needed.
 *
 * The reader refuses, with the physical line number in the message: a
 * record longer than max_record_bytes or with more than max_fields fields
 * (ATRIUM_ETOOBIG), a NUL byte, a quote inside an unquoted field, text
 * after a closing quote, a bare CR outside quotes, and a quote left open at
 * the end of the input (ATRIUM_EINVAL). It never judges field contents.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

struct atrium_errinfo;

#define ATRIUM_CSV_RECORD_MAX_DEFAULT (64u << 10) /* bytes of one record */
#define ATRIUM_CSV_FIELDS_MAX_DEFAULT 64

struct atrium_csv_limits {
    size_t max_record_bytes; /* 0: ATRIUM_CSV_RECORD_MAX_DEFAULT */
    size_t max_fields;       /* 0: ATRIUM_CSV_FIELDS_MAX_DEFAULT */
};

/* One record; fields are NUL-terminated and borrowed until the next read or free. */
struct atrium_csv_record {
    char **fields;
    size_t count;
    size_t line; /* physical line (1-based) where the record starts */
};

struct atrium_csv_reader;

/* A reader over in (borrowed; not closed). limits may be NULL. Caller owns. */
struct atrium_csv_reader *atrium_csv_reader_new(FILE *in, const struct atrium_csv_limits *limits);
/* NULL is fine. */
void atrium_csv_reader_free(struct atrium_csv_reader *r);

/*
 * Read the next record into *ret: 1 when one was read, 0 at the end of the
 * input, a negative ATRIUM_E* code (e filled, naming the line) on a format
 * error or read failure. After an error the reader is done: later calls
 * return the same error.
 */
int atrium_csv_read(struct atrium_csv_reader *r, struct atrium_csv_record *ret,
                    struct atrium_errinfo *e);

/*
 * Write value (NULL is written as an empty field) to out, quoted when it
 * holds a comma, quote, CR or LF, or starts or ends with a space. Returns
 * 0 or ATRIUM_EIO.
 */
int atrium_csv_write_field(FILE *out, const char *value);
/* Write a whole record: fields joined by commas, then CRLF. 0 or ATRIUM_EIO. */
int atrium_csv_write_record(FILE *out, const char *const *fields, size_t count);
