// SPDX-License-Identifier: GPL-2.0
/*
 * pobj: a libpmemobj program, built against the suite's libpmemobj-dev,
 * as a user's program would be.
 *
 *   pobj write POOL TAG   create an obj pool on POOL (a device-dax path:
 *                         the whole device), allocate in a transaction
 *                         and store TAG there, close
 *   pobj read POOL TAG    open the pool and check that TAG is there
 *
 * Prints "ok: ..." and exits 0, or says what failed and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libpmemobj.h>

#define LAYOUT	"daxkit-pobj"
#define TAGLEN	64

struct pobj_root {
	PMEMoid rec;
	unsigned long n;
};

struct pobj_rec {
	char tag[TAGLEN];
	unsigned long sum;
};

static unsigned long pobj_sum(const char *tag)
{
	unsigned long s = 5381;

	while (*tag)
		s = s * 33 + (unsigned char)*tag++;
	return s;
}

static int pobj_write(const char *path, const char *tag)
{
	PMEMobjpool *pop;
	struct pobj_root *root;
	volatile int rc = 0;	/* set in TX_ONABORT, after a longjmp */

	/* Size 0: the pool is the whole device, as device-dax requires. */
	pop = pmemobj_create(path, LAYOUT, 0, 0600);
	if (!pop) {
		printf("pmemobj_create %s: %s\n", path, pmemobj_errormsg());
		return 1;
	}
	root = pmemobj_direct(pmemobj_root(pop, sizeof(*root)));
	TX_BEGIN(pop) {
		struct pobj_rec *rec;

		pmemobj_tx_add_range_direct(root, sizeof(*root));
		root->rec = pmemobj_tx_zalloc(sizeof(struct pobj_rec), 1);
		rec = pmemobj_direct(root->rec);
		snprintf(rec->tag, sizeof(rec->tag), "%s", tag);
		rec->sum = pobj_sum(rec->tag);
		root->n++;
	} TX_ONABORT {
		printf("transaction aborted: %s\n", pmemobj_errormsg());
		rc = 1;
	} TX_END
	pmemobj_close(pop);
	if (!rc)
		printf("ok: wrote %s to %s\n", tag, path);
	return rc;
}

static int pobj_read(const char *path, const char *tag)
{
	PMEMobjpool *pop;
	struct pobj_root *root;
	struct pobj_rec *rec;
	int rc = 1;

	pop = pmemobj_open(path, LAYOUT);
	if (!pop) {
		printf("pmemobj_open %s: %s\n", path, pmemobj_errormsg());
		return 1;
	}
	root = pmemobj_direct(pmemobj_root(pop, sizeof(*root)));
	rec = pmemobj_direct(root->rec);
	if (!rec)
		printf("the pool has no record\n");
	else if (strncmp(rec->tag, tag, TAGLEN) || rec->sum != pobj_sum(rec->tag))
		printf("record is '%.*s' (sum %lu), want '%s'\n", TAGLEN, rec->tag,
		       rec->sum, tag);
	else if (root->n != 1)
		printf("%lu transactions committed, want 1\n", root->n);
	else
		rc = 0;
	pmemobj_close(pop);
	if (!rc)
		printf("ok: read %s from %s\n", tag, path);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "write"))
		return pobj_write(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "read"))
		return pobj_read(argv[2], argv[3]);
	fprintf(stderr, "usage: pobj write|read POOL TAG\n");
	return 2;
}
