/*
 * Cohort's native helper for the openmpi transport: blocking MPI collectives straight on Java heap
 * arrays, with no staging copy. Open MPI's Java bindings copy a heap array in and out of every call;
 * for an allreduce of 1 Mi doubles the two copies cost about a quarter of the call.
 *
 * Each call pins the arrays with GetPrimitiveArrayCritical for the length of the MPI call. While an
 * array is pinned the JVM may not collect garbage (JDK 17), so a thread of this process that needs a
 * collection waits until the call returns. The call must therefore not wait for anything this
 * process's other threads do: it first waits in MPI_Barrier with nothing pinned, so that every rank
 * of the communicator is already inside the same collective when the arrays are pinned, and the
 * pinned part lasts only as long as the collective's own work.
 *
 * It also receives a long message's chunks straight into the receiving heap array (Pinned.recvChunks),
 * and moves the rest of a long message from heap array to heap array by rendezvous (below).
 *
 * Built by bin/setup-native with the installed mpicc into the user's cache; the Java side
 * (dev.cohort.transport.openmpi.Pinned) loads it when present and staged copies are used otherwise.
 * ABI must match Pinned.ABI.
 */
#include <jni.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define COHORT_ABI 8

/* Element types, as Pinned numbers them. */
static MPI_Datatype datatype(jint t) {
    switch (t) {
        case 0: return MPI_BYTE;
        case 1: return MPI_SHORT;
        case 2: return MPI_INT;
        case 3: return MPI_INT64_T;
        case 4: return MPI_FLOAT;
        case 5: return MPI_DOUBLE;
        default: return MPI_DATATYPE_NULL;
    }
}

/* Reduction operations, as Pinned numbers them. */
static MPI_Op operation(jint o) {
    switch (o) {
        case 0: return MPI_SUM;
        case 1: return MPI_PROD;
        case 2: return MPI_MIN;
        case 3: return MPI_MAX;
        case 4: return MPI_LAND;
        case 5: return MPI_LOR;
        case 6: return MPI_LXOR;
        case 7: return MPI_BAND;
        case 8: return MPI_BOR;
        case 9: return MPI_BXOR;
        default: return MPI_OP_NULL;
    }
}

/* Throws mpi.MPIException(code, class, MPI's error string), as the bindings themselves do. */
static void throw_mpi(JNIEnv *env, int rc) {
    char text[MPI_MAX_ERROR_STRING + 1];
    int len = 0, cls = MPI_ERR_UNKNOWN;
    if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) len = 0;
    text[len] = '\0';
    MPI_Error_class(rc, &cls);
    jclass c = (*env)->FindClass(env, "mpi/MPIException");
    if (c == NULL) return;   /* NoClassDefFoundError is pending */
    jmethodID init = (*env)->GetMethodID(env, c, "<init>", "(IILjava/lang/String;)V");
    if (init == NULL) return;
    jstring s = (*env)->NewStringUTF(env, text);
    if (s == NULL) return;
    jobject e = (*env)->NewObject(env, c, init, (jint) rc, (jint) cls, s);
    if (e != NULL) (*env)->Throw(env, (jthrowable) e);
}

static void throw_oom(JNIEnv *env) {
    jclass c = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
    if (c != NULL) (*env)->ThrowNew(env, c, "cohort: cannot pin a Java array for MPI");
}

JNIEXPORT jint JNICALL Java_dev_cohort_transport_openmpi_Pinned_abi(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return COHORT_ABI;
}

/* mpi.Request.handle, the MPI_Request behind a request of the bindings. */
static jfieldID request_handle;

/* Looks mpi.Request.handle up once; false with an exception pending when it cannot. */
static int find_request_handle(JNIEnv *env) {
    if (request_handle == NULL) {
        jclass c = (*env)->FindClass(env, "mpi/Request");
        if (c == NULL) return 0;   /* NoClassDefFoundError is pending */
        jfieldID f = (*env)->GetFieldID(env, c, "handle", "J");
        if (f == NULL) return 0;   /* NoSuchFieldError is pending */
        request_handle = f;
    }
    return 1;
}

/* Up to `tests` MPI_Test calls on `r`, stopping once it completes (*flag set) or one fails (its code). */
static int test_times(MPI_Request *r, jint tests, int *flag) {
    *flag = 0;
    for (jint i = 0; i < tests && !*flag; i++) {
        int rc = MPI_Test(r, flag, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}

/*
 * Up to `tests` MPI_Test calls on a request of the bindings, in one JNI call: a blocking receive
 * posted ahead polls its request, and each call of the bindings' Request.test() costs more than the
 * test itself (a JNI transition, an exception check, a field write). Returns JNI_TRUE once complete,
 * and then leaves MPI's completed handle (MPI_REQUEST_NULL) in the Request, as its own test() does.
 */
JNIEXPORT jboolean JNICALL Java_dev_cohort_transport_openmpi_Pinned_test(JNIEnv *env, jclass cls, jobject request,
                                                                        jint tests) {
    (void) cls;
    if (!find_request_handle(env)) return JNI_FALSE;
    MPI_Request r = (MPI_Request) (intptr_t) (*env)->GetLongField(env, request, request_handle);
    int flag;
    int rc = test_times(&r, tests, &flag);
    if (rc != MPI_SUCCESS) {
        throw_mpi(env, rc);
        return JNI_FALSE;
    }
    if (!flag) return JNI_FALSE;
    (*env)->SetLongField(env, request, request_handle, (jlong) (intptr_t) r);
    return JNI_TRUE;
}

/*
 * A blocking receive posted ahead, in one JNI call: MPI_Irecv of `count` bytes at `address` (a direct
 * buffer's, from address() below), then up to `tests` MPI_Test calls. `request` is an mpi.Request of
 * the bindings that an earlier receive of the same thread completed, reused, so it holds
 * MPI_REQUEST_NULL: JNI_TRUE when the receive completed (the request is left as it is, which is what
 * MPI would write), else the pending MPI_Request goes into it and JNI_FALSE, to be polled by test()
 * above. Through the bindings this was an iRecv (a Java wrapper, a new Request, a JNI call, the
 * buffer's address looked up) and then a test().
 */
JNIEXPORT jboolean JNICALL Java_dev_cohort_transport_openmpi_Pinned_irecvTest(JNIEnv *env, jclass cls, jlong comm,
                                                                             jlong address, jint count, jint source,
                                                                             jint tag, jobject request, jint tests) {
    (void) cls;
    if (!find_request_handle(env)) return JNI_FALSE;
    MPI_Request r;
    int rc = MPI_Irecv((void *) (intptr_t) address, (int) count, MPI_BYTE, (int) source, (int) tag,
                       (MPI_Comm) (intptr_t) comm, &r);
    if (rc != MPI_SUCCESS) {
        throw_mpi(env, rc);
        return JNI_FALSE;
    }
    int flag;
    rc = test_times(&r, tests, &flag);
    if (rc != MPI_SUCCESS || !flag) {
        (*env)->SetLongField(env, request, request_handle, (jlong) (intptr_t) r);   /* as it stands, also on an error */
    }
    if (rc != MPI_SUCCESS) {
        throw_mpi(env, rc);
        return JNI_FALSE;
    }
    return flag ? JNI_TRUE : JNI_FALSE;
}

/*
 * MPI_Send of `count` bytes at `address` (a direct buffer's, from address() below): what the
 * bindings' Comm.send does for a direct buffer, without its Java checks, its lookup of the buffer's
 * address (a JNI type check per call) and its exception check. The transport sends only short messages
 * this way, within Open MPI's eager limit.
 */
JNIEXPORT void JNICALL Java_dev_cohort_transport_openmpi_Pinned_send(JNIEnv *env, jclass cls, jlong comm, jlong address,
                                                                    jint count, jint dest, jint tag) {
    (void) cls;
    int rc = MPI_Send((void *) (intptr_t) address, (int) count, MPI_BYTE, (int) dest, (int) tag,
                      (MPI_Comm) (intptr_t) comm);
    if (rc != MPI_SUCCESS) throw_mpi(env, rc);
}

/* The address of a direct buffer, looked up once per staging buffer; 0 for a buffer that is not direct. */
JNIEXPORT jlong JNICALL Java_dev_cohort_transport_openmpi_Pinned_address(JNIEnv *env, jclass cls, jobject buf) {
    (void) cls;
    return (jlong) (intptr_t) (*env)->GetDirectBufferAddress(env, buf);
}

/*
 * kind 0: MPI_Allreduce, 1: MPI_Scan, 2: MPI_Reduce to root. send == NULL: the input is in recv
 * (MPI_IN_PLACE where MPI allows it; at a reduce's non-root rank recv is the send buffer). Offsets are
 * in bytes. recv may be NULL at a reduce's non-root rank.
 */
JNIEXPORT void JNICALL Java_dev_cohort_transport_openmpi_Pinned_reduction(JNIEnv *env, jclass cls, jlong comm,
        jint kind, jobject send, jlong sendOffset, jobject recv, jlong recvOffset, jint count, jint type, jint op,
        jint root) {
    (void) cls;
    MPI_Comm c = (MPI_Comm) (intptr_t) comm;
    int rank = 0;
    int rc = MPI_Comm_rank(c, &rank);
    if (rc == MPI_SUCCESS) rc = MPI_Barrier(c);
    if (rc != MPI_SUCCESS) {
        throw_mpi(env, rc);
        return;
    }
    char *s = NULL, *r = NULL;
    if (send != NULL && (s = (*env)->GetPrimitiveArrayCritical(env, send, NULL)) == NULL) {
        throw_oom(env);
        return;
    }
    if (recv != NULL && (r = (*env)->GetPrimitiveArrayCritical(env, recv, NULL)) == NULL) {
        if (s != NULL) (*env)->ReleasePrimitiveArrayCritical(env, send, s, JNI_ABORT);
        throw_oom(env);
        return;
    }
    void *in = s != NULL ? (void *) (s + sendOffset) : MPI_IN_PLACE;
    void *out = r != NULL ? (void *) (r + recvOffset) : NULL;
    MPI_Datatype dt = datatype(type);
    MPI_Op mop = operation(op);
    if (kind == 0) {
        rc = MPI_Allreduce(in, out, count, dt, mop, c);
    } else if (kind == 1) {
        rc = MPI_Scan(in, out, count, dt, mop, c);
    } else if (rank == root) {
        rc = MPI_Reduce(in, out, count, dt, mop, root, c);
    } else {
        /* a non-root rank's input is in recv when there is no send buffer; it receives nothing */
        rc = MPI_Reduce(s != NULL ? in : out, NULL, count, dt, mop, root, c);
    }
    if (r != NULL) (*env)->ReleasePrimitiveArrayCritical(env, recv, r, 0);
    if (s != NULL) (*env)->ReleasePrimitiveArrayCritical(env, send, s, JNI_ABORT);
    if (rc != MPI_SUCCESS) throw_mpi(env, rc);
}

/* MPI_Bcast of bytes bytes of buf from byte offset from root. */
JNIEXPORT void JNICALL Java_dev_cohort_transport_openmpi_Pinned_bcast(JNIEnv *env, jclass cls, jlong comm,
        jobject buf, jlong offset, jint bytes, jint root) {
    (void) cls;
    MPI_Comm c = (MPI_Comm) (intptr_t) comm;
    int rc = MPI_Barrier(c);
    if (rc != MPI_SUCCESS) {
        throw_mpi(env, rc);
        return;
    }
    char *b = (*env)->GetPrimitiveArrayCritical(env, buf, NULL);
    if (b == NULL) {
        throw_oom(env);
        return;
    }
    rc = MPI_Bcast(b + offset, bytes, MPI_BYTE, root, c);
    (*env)->ReleasePrimitiveArrayCritical(env, buf, b, 0);
    if (rc != MPI_SUCCESS) throw_mpi(env, rc);
}

/*
 * Receives a long message's chunks, bytes [from, bytes) of it in chunks of at most chunk bytes from
 * source on tag, into dst from byte offset dstOffset + from on. The sender started every chunk before
 * this rank took the message's head, so the wait depends on nothing this process does.
 */
JNIEXPORT void JNICALL Java_dev_cohort_transport_openmpi_Pinned_recvChunks(JNIEnv *env, jclass cls, jlong comm,
        jint source, jint tag, jobject dst, jlong dstOffset, jint from, jint bytes, jint chunk) {
    (void) cls;
    MPI_Comm c = (MPI_Comm) (intptr_t) comm;
    char *d = (*env)->GetPrimitiveArrayCritical(env, dst, NULL);
    if (d == NULL) {
        throw_oom(env);
        return;
    }
    int rc = MPI_SUCCESS;
    for (jint pos = from; pos < bytes && rc == MPI_SUCCESS; pos += chunk) {
        int len = bytes - pos < chunk ? bytes - pos : chunk;
        rc = MPI_Recv(d + dstOffset + pos, len, MPI_BYTE, source, tag, c, MPI_STATUS_IGNORE);
    }
    (*env)->ReleasePrimitiveArrayCritical(env, dst, d, 0);
    if (rc != MPI_SUCCESS) throw_mpi(env, rc);
}

/*
 * Rendezvous: the rest of a long message (all but its head) goes from the sender's heap array to the
 * receiver's, pinned on both sides, with no staging copy. The sender offers the rest (Pinned.offer)
 * when it sends the head; it does not pin anything yet. The receiver, once a receive has taken the
 * head, pins its buffer, posts the receive for the rest and only then sends the sender a clear-to-
 * send (CTS) naming the offer (Pinned.pull). The sender pins its array when it serves that CTS, so a
 * pinned send always has its receive posted and completes without waiting for any Java code.
 *
 * Every call here that waits also serves the CTSs that reach this process, so two ranks pulling
 * from each other at once (an exchange) each serve the other. The Java side serves them in its
 * polls too (Pinned.serve). Offers, CTSs and rests travel on a communicator of their own; the rest of
 * offer id goes on tag id, a CTS on tag 0. All calls into this registry are made under the
 * transport's lock, so it needs no lock of its own. No call returns with an array still pinned.
 */
#define CTS_TAG 0

typedef struct {
    jint id;
    jobject array;    /* a global reference */
    jlong offset;     /* byte offset of the rest in the array */
    jint bytes;
    jint dest;        /* in the rendezvous communicator */
    int state;        /* 0 offered, 1 sending (pinned), 2 sent, < 0 failed: -(MPI error code) */
    char *pinned;
    char *scratch;    /* the copy being sent instead of the array (see realign), or NULL */
    size_t scratch_bytes;
    MPI_Request request;
} offer_t;

static offer_t *offers;
static int noffers, capacity;
static int sending;   /* offers in state 1 */

static offer_t *find_offer(jint id) {
    for (int i = 0; i < noffers; i++) if (offers[i].id == id) return &offers[i];
    return NULL;
}

/* Registers the rest of a long message for a later CTS. Returns 0, or -1 when out of memory. */
JNIEXPORT jint JNICALL Java_dev_cohort_transport_openmpi_Pinned_offer(JNIEnv *env, jclass cls, jint id,
        jobject array, jlong offset, jint bytes, jint dest) {
    (void) cls;
    if (noffers == capacity) {
        int cap = capacity == 0 ? 16 : capacity * 2;
        offer_t *o = realloc(offers, (size_t) cap * sizeof(offer_t));
        if (o == NULL) return -1;
        offers = o;
        capacity = cap;
    }
    jobject ref = (*env)->NewGlobalRef(env, array);
    if (ref == NULL) return -1;
    offer_t *o = &offers[noffers++];
    o->id = id;
    o->array = ref;
    o->offset = offset;
    o->bytes = bytes;
    o->dest = dest;
    o->state = 0;
    o->pinned = NULL;
    o->scratch = NULL;
    o->scratch_bytes = 0;
    o->request = MPI_REQUEST_NULL;
    return 0;
}

/*
 * Open MPI's shared-memory transport moves a long message with one kernel copy between the two
 * processes' buffers (CMA), and the kernel copies with `rep movsb`. On the AMD processors here that
 * instruction runs about 15x slower when the destination lies 1 to 31 bytes past the source modulo
 * the 4 KiB page (measured: 4 MiB in 2.1 ms instead of 0.14 ms at distances 8 to 24; at 32 to 63 it
 * is 1.3x slower, at 0, 64 and beyond and at any distance backwards not slower), and two JVMs
 * running the same program often allocate their arrays just such a few bytes apart. A CTS therefore
 * carries the receiver's page offset; when the distance falls in that band, the sender copies the
 * rest (glibc's memcpy has no such slow case) to a buffer at the receiver's page offset, so the kernel
 * copies at distance 0, and sends that. Returns the buffer to send from, or NULL to send the array.
 */
#define REALIGN_MIN_BYTES (64 * 1024)
#define SCRATCH_ALIGN ((size_t) 2 << 20)
#define SPARE_MAX_BYTES ((size_t) 64 << 20)
static jint realign_below = 32;   /* Pinned.realignBelow: distances 1 to this - 1 are realigned */
static jlong realigned;           /* sends realigned so far (Pinned.realigned) */
/* one scratch buffer kept between sends: a fresh one costs a page fault per page, each time */
static char *spare;
static size_t spare_bytes;

JNIEXPORT void JNICALL Java_dev_cohort_transport_openmpi_Pinned_realignBelow(JNIEnv *env, jclass cls, jint distance) {
    (void) env; (void) cls;
    realign_below = distance;
}

JNIEXPORT jlong JNICALL Java_dev_cohort_transport_openmpi_Pinned_realigned(JNIEnv *env, jclass cls) {
    (void) env; (void) cls;
    return realigned;
}

/* A scratch buffer of at least bytes bytes, 2 MiB-aligned (on huge pages where the kernel gives them), or NULL. */
static char *scratch_take(size_t bytes, size_t *size) {
    if (spare != NULL && spare_bytes >= bytes) {
        char *b = spare;
        *size = spare_bytes;
        spare = NULL;
        return b;
    }
    size_t n = (bytes + SCRATCH_ALIGN - 1) / SCRATCH_ALIGN * SCRATCH_ALIGN;
    void *b = NULL;
    if (posix_memalign(&b, SCRATCH_ALIGN, n) != 0) return NULL;
    madvise(b, n, MADV_HUGEPAGE);   /* a hint: without it the copy is only slower */
    *size = n;
    return b;
}

/* Gives a scratch buffer back once its send is done: kept as the spare if it is the larger, else freed. */
static void scratch_give(char *b, size_t size) {
    if (b == NULL) return;
    if (size <= SPARE_MAX_BYTES && (spare == NULL || size > spare_bytes)) {
        free(spare);
        spare = b;
        spare_bytes = size;
    } else {
        free(b);
    }
}

static char *realign(offer_t *o, const char *src, jint dst_page_offset) {
    if (o->bytes < REALIGN_MIN_BYTES) return NULL;
    jint distance = (jint) (((unsigned) dst_page_offset - (unsigned) ((uintptr_t) src & 4095)) & 4095);
    if (distance == 0 || distance >= realign_below) return NULL;
    size_t size;
    char *base = scratch_take((size_t) o->bytes + 4096, &size);
    if (base == NULL) return NULL;   /* send the array as it is: slower, not wrong */
    char *aligned = base + dst_page_offset;
    memcpy(aligned, src, (size_t) o->bytes);
    o->scratch = base;
    o->scratch_bytes = size;
    realigned++;
    return aligned;
}

/*
 * An offer's state: 0 offered, 1 sending, 2 sent; a failed one throws its MPI error. A sent or
 * failed offer is forgotten by this call (its global reference deleted); an unknown id reads as 2.
 */
JNIEXPORT jint JNICALL Java_dev_cohort_transport_openmpi_Pinned_take(JNIEnv *env, jclass cls, jint id) {
    (void) cls;
    offer_t *o = find_offer(id);
    if (o == NULL) return 2;
    int state = o->state;
    if (state == 2 || state < 0) {
        (*env)->DeleteGlobalRef(env, o->array);
        *o = offers[--noffers];
    }
    if (state < 0) throw_mpi(env, -state);
    return state;
}

/* Withdraws an offer no CTS has asked for yet (its head could not be sent). */
JNIEXPORT void JNICALL Java_dev_cohort_transport_openmpi_Pinned_withdraw(JNIEnv *env, jclass cls, jint id) {
    (void) cls;
    offer_t *o = find_offer(id);
    if (o == NULL || o->state != 0) return;
    (*env)->DeleteGlobalRef(env, o->array);
    *o = offers[--noffers];
}

/*
 * Lets go of what an offer's send was reading: the pinned array, or the scratch copy. After an MPI
 * error (done false) MPI may still read the copy, so it is left allocated (leaked) rather than freed
 * under it.
 */
static void release_offer(JNIEnv *env, offer_t *o, int done) {
    if (o->pinned != NULL) (*env)->ReleasePrimitiveArrayCritical(env, o->array, o->pinned, JNI_ABORT);
    o->pinned = NULL;
    if (done) scratch_give(o->scratch, o->scratch_bytes);
    o->scratch = NULL;
}

/* Starts the send of every offer a CTS has asked for, and completes those whose send is done. */
static int serve_once(JNIEnv *env, MPI_Comm c) {
    int flag = 0, rc;
    MPI_Status st;
    for (;;) {
        rc = MPI_Iprobe(MPI_ANY_SOURCE, CTS_TAG, c, &flag, &st);
        if (rc != MPI_SUCCESS) return rc;
        if (!flag) break;
        jint cts[2];   /* the offer's id, the receiver's page offset */
        rc = MPI_Recv(cts, 2, MPI_INT, st.MPI_SOURCE, CTS_TAG, c, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return rc;
        jint id = cts[0];
        offer_t *o = find_offer(id);
        if (o == NULL || o->state != 0) continue;   /* cannot happen: an offer is asked for once */
        o->pinned = (*env)->GetPrimitiveArrayCritical(env, o->array, NULL);
        if (o->pinned == NULL) {
            o->state = -MPI_ERR_NO_MEM;
            continue;
        }
        char *from = realign(o, o->pinned + o->offset, cts[1]);
        if (from != NULL) {   /* the copy is sent: the array need not stay pinned */
            (*env)->ReleasePrimitiveArrayCritical(env, o->array, o->pinned, JNI_ABORT);
            o->pinned = NULL;
        } else {
            from = o->pinned + o->offset;
        }
        rc = MPI_Isend(from, o->bytes, MPI_BYTE, o->dest, id, c, &o->request);
        if (rc != MPI_SUCCESS) {
            release_offer(env, o, 1);   /* no send was started */
            o->state = -rc;
            continue;
        }
        o->state = 1;
        sending++;
    }
    for (int i = 0; i < noffers && sending > 0; i++) {
        offer_t *o = &offers[i];
        if (o->state != 1) continue;
        int done = 0;
        rc = MPI_Test(&o->request, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS || done) {
            release_offer(env, o, rc == MPI_SUCCESS);
            o->state = rc != MPI_SUCCESS ? -rc : 2;
            sending--;
        }
    }
    return MPI_SUCCESS;
}

/*
 * After an MPI error: every array still pinned is let go (its send cannot be cancelled; MPI reading
 * a moved array afterwards sends garbage, never touches memory that is not the heap's), so that the
 * call can return to Java.
 */
static void abandon_sending(JNIEnv *env, int rc) {
    for (int i = 0; i < noffers && sending > 0; i++) {
        offer_t *o = &offers[i];
        if (o->state != 1) continue;
        release_offer(env, o, 0);
        o->state = -rc;
        sending--;
    }
}

/*
 * Serves the CTSs that have arrived, and waits until every send they started is done (their
 * receivers have posted their receives, so this wait needs nothing of this process).
 */
JNIEXPORT void JNICALL Java_dev_cohort_transport_openmpi_Pinned_serve(JNIEnv *env, jclass cls, jlong comm) {
    (void) cls;
    MPI_Comm c = (MPI_Comm) (intptr_t) comm;
    int rc;
    do {
        rc = serve_once(env, c);
    } while (rc == MPI_SUCCESS && sending > 0);
    if (rc != MPI_SUCCESS) {
        abandon_sending(env, rc);
        throw_mpi(env, rc);
    }
}

/*
 * Receives the rest of a long message by rendezvous: bytes bytes from source's offer id, into dst
 * from byte offset dstOffset on. dst is a primitive array (pinned here), or a direct ByteBuffer when
 * direct is true. Posts the receive, then sends the CTS, then waits for both, serving CTSs meanwhile.
 */
JNIEXPORT void JNICALL Java_dev_cohort_transport_openmpi_Pinned_pull(JNIEnv *env, jclass cls, jlong comm,
        jint source, jint id, jobject dst, jboolean direct, jlong dstOffset, jint bytes) {
    (void) cls;
    MPI_Comm c = (MPI_Comm) (intptr_t) comm;
    char *d;
    if (direct) {
        d = (*env)->GetDirectBufferAddress(env, dst);
        if (d == NULL) {
            throw_oom(env);
            return;
        }
    } else if ((d = (*env)->GetPrimitiveArrayCritical(env, dst, NULL)) == NULL) {
        throw_oom(env);
        return;
    }
    MPI_Request q[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    jint cts[2] = {id, (jint) ((uintptr_t) (d + dstOffset) & 4095)};   /* see realign */
    int rc = MPI_Irecv(d + dstOffset, bytes, MPI_BYTE, source, id, c, &q[0]);
    if (rc == MPI_SUCCESS) rc = MPI_Isend(cts, 2, MPI_INT, source, CTS_TAG, c, &q[1]);
    int done = 0;
    while (rc == MPI_SUCCESS) {
        rc = MPI_Testall(2, q, &done, MPI_STATUSES_IGNORE);
        if (rc != MPI_SUCCESS || done) break;
        rc = serve_once(env, c);
    }
    /* sends this call started for others finish before anything is unpinned */
    while (rc == MPI_SUCCESS && sending > 0) rc = serve_once(env, c);
    if (rc != MPI_SUCCESS) {
        if (q[0] != MPI_REQUEST_NULL && MPI_Cancel(&q[0]) == MPI_SUCCESS) MPI_Wait(&q[0], MPI_STATUS_IGNORE);
        abandon_sending(env, rc);
    }
    if (!direct) (*env)->ReleasePrimitiveArrayCritical(env, dst, d, 0);
    if (rc != MPI_SUCCESS) throw_mpi(env, rc);
}
