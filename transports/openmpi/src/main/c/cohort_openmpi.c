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
 * It also receives a long message's chunks straight into the receiving heap array (Pinned.recvChunks).
 *
 * Built by bin/setup-native with the installed mpicc into the user's cache; the Java side
 * (dev.cohort.transport.openmpi.Pinned) loads it when present and staged copies are used otherwise.
 * ABI must match Pinned.ABI.
 */
#include <jni.h>
#include <mpi.h>
#include <stdint.h>

#define COHORT_ABI 2

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
