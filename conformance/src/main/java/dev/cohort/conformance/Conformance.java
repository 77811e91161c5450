package dev.cohort.conformance;

import dev.cohort.CohortOptions;
import dev.cohort.codec.CodecPolicy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of conformance cases, by section. A runner lists them ({@link #all()},
 * {@link #sections()}), picks some ({@link #select}) and runs each on every rank of a world with
 * {@link ConformanceCase#run}. The local JUnit runner runs each case in a job of its own; {@link
 * ConformanceMain} runs them one after another on one world, as mpirun-launched transports will.
 *
 * <p>Sessions that run the cases should be opened with {@link #options()}, whose codec policy
 * allows the suite's record and enum shapes.
 */
public final class Conformance {
    /** Sections in running order. */
    public static final String POINT_TO_POINT = "pointToPoint", NONBLOCKING = "nonblocking", OBJECTS = "objects",
            ERRORS = "errors", COLLECTIVES = "collectives", COMMUNICATORS = "communicators";

    /** The package whose classes the object cases send, allowed by {@link #options()}. */
    public static final String SHAPES_PACKAGE = "dev.cohort.conformance.shapes";

    private Conformance() {
    }

    public static List<ConformanceCase> pointToPoint() {
        List<ConformanceCase> c = new ArrayList<>();
        for (ElementKind k : ElementKind.ALL) {
            c.add(new ConformanceCase(POINT_TO_POINT, "sendRecv" + k.name(), 1, w -> PointToPointCases.sendRecv(w, k)));
        }
        c.add(p2p("wholeBufferOverloads", PointToPointCases::wholeBufferOverloads));
        c.add(p2p("byteBufferRangeIgnoresLimit", PointToPointCases::byteBufferRangeIgnoresLimit));
        c.add(p2p("ssendWaitsForReceive", PointToPointCases::ssendWaitsForReceive));
        c.add(p2p("sendrecvRing", PointToPointCases::sendrecvRing));
        c.add(p2p("sendrecvReplaceRing", PointToPointCases::sendrecvReplaceRing));
        c.add(p2p("probeSizesTheReceive", PointToPointCases::probeSizesTheReceive));
        c.add(p2p("iprobePollsUntilArrival", PointToPointCases::iprobePollsUntilArrival));
        c.add(p2p("wildcardReceives", PointToPointCases::wildcardReceives));
        c.add(p2p("partialReceive", PointToPointCases::partialReceive));
        c.add(p2p("zeroLengthMessages", PointToPointCases::zeroLengthMessages));
        c.add(p2p("nonOvertakingSameTag", PointToPointCases::nonOvertakingSameTag));
        c.add(p2p("nonOvertakingPerTag", PointToPointCases::nonOvertakingPerTag));
        c.add(p2p("lengthsAroundProtocolLimits", PointToPointCases::lengthsAroundProtocolLimits));
        c.add(p2p("concurrentLongSendsStayWhole", PointToPointCases::concurrentLongSendsStayWhole));
        c.add(p2p("procNull", PointToPointCases::procNull));
        return Collections.unmodifiableList(c);
    }

    public static List<ConformanceCase> nonblocking() {
        return List.of(
                nb("isendIrecvWaitAll", NonblockingCases::isendIrecvWaitAll),
                nb("waitingOnSendsProgressesPostedReceives", NonblockingCases::waitingOnSendsProgressesPostedReceives),
                nb("waitAnyDrainsAll", NonblockingCases::waitAnyDrainsAll),
                nb("waitSomeDrainsAll", NonblockingCases::waitSomeDrainsAll),
                nb("testAnyPendingThenComplete", NonblockingCases::testAnyPendingThenComplete),
                nb("testAllAndTestSome", NonblockingCases::testAllAndTestSome),
                nb("waitHelperEdgeCases", NonblockingCases::waitHelperEdgeCases),
                nb("persistentRequestRestarts", NonblockingCases::persistentRequestRestarts),
                nb("persistentRing", NonblockingCases::persistentRing),
                nb("persistentStatusAfterTest", NonblockingCases::persistentStatusAfterTest),
                nb("issendCompletesOnlyAfterMatch", NonblockingCases::issendCompletesOnlyAfterMatch),
                nb("cancelPendingIrecv", NonblockingCases::cancelPendingIrecv),
                nb("toFutureCompletesWithStatus", NonblockingCases::toFutureCompletesWithStatus),
                nb("freeOfPendingSendStillDelivers", NonblockingCases::freeOfPendingSendStillDelivers));
    }

    public static List<ConformanceCase> objects() {
        return List.of(
                obj("objectsNullAndBoxed", ObjectCases::objectsNullAndBoxed),
                obj("objectsStrings", ObjectCases::objectsStrings),
                obj("objectsCollections", ObjectCases::objectsCollections),
                obj("objectsMaps", ObjectCases::objectsMaps),
                obj("objectsArrays", ObjectCases::objectsArrays),
                obj("objectsRecordsAndEnums", ObjectCases::objectsRecordsAndEnums),
                obj("objectsImmutableCollections", ObjectCases::objectsImmutableCollections),
                obj("isendIrecvObjectsMixedWithBuffers", ObjectCases::isendIrecvObjectsMixedWithBuffers),
                obj("sendrecvObjectRing", ObjectCases::sendrecvObjectRing),
                obj("ssendObjectWaitsForReceive", ObjectCases::ssendObjectWaitsForReceive),
                obj("irecvObjectStatus", ObjectCases::irecvObjectStatus),
                obj("objectProbe", ObjectCases::objectProbe),
                obj("objectProcNull", ObjectCases::objectProcNull),
                obj("objectsSharedAndCyclic", ObjectCases::objectsSharedAndCyclic));
    }

    public static List<ConformanceCase> errors() {
        return List.of(
                err("truncateDoesNotConsume", ErrorCases::truncateDoesNotConsume),
                err("lateMismatchDoesNotConsume", ErrorCases::lateMismatchDoesNotConsume),
                err("typeMismatchDoesNotConsume", ErrorCases::typeMismatchDoesNotConsume),
                err("rankErrors", ErrorCases::rankErrors),
                err("tagErrors", ErrorCases::tagErrors),
                err("countErrors", ErrorCases::countErrors),
                err("bufferErrors", ErrorCases::bufferErrors),
                err("requestErrors", ErrorCases::requestErrors),
                err("requestErrorMessagesNameTheRank", ErrorCases::requestErrorMessagesNameTheRank),
                err("worldCannotBeFreed", ErrorCases::worldCannotBeFreed),
                err("codecRefusesUnlistedClass", ErrorCases::codecRefusesUnlistedClass));
    }

    public static List<ConformanceCase> collectives() {
        return List.of(
                coll("barrierRepeated", CollectiveCases::barrierRepeated),
                coll("collectiveSequenceWraps", CollectiveCases::collectiveSequenceWraps),
                coll("bcastEveryRootEveryType", CollectiveCases::bcastEveryRootEveryType),
                coll("bcastSizes", CollectiveCases::bcastSizes),
                coll("reductionsEveryOpEveryType", CollectiveCases::reductionsEveryOpEveryType),
                coll("reductionSizesAndRoots", CollectiveCases::reductionSizesAndRoots),
                coll("inPlaceAndScalarForms", CollectiveCases::inPlaceAndScalarForms),
                coll("minlocMaxloc", CollectiveCases::minlocMaxloc),
                coll("userDefinedAndNonCommutative", CollectiveCases::userDefinedAndNonCommutative),
                coll("gatherAndScatter", CollectiveCases::gatherAndScatter),
                coll("vectorVariants", CollectiveCases::vectorVariants),
                coll("allgatherAndAlltoall", CollectiveCases::allgatherAndAlltoall),
                coll("reduceScatterForms", CollectiveCases::reduceScatterForms),
                coll("nonblockingCollectivesMixWithPointToPoint", CollectiveCases::nonblockingCollectivesMixWithPointToPoint),
                coll("nonblockingFormsMatchBlocking", CollectiveCases::nonblockingFormsMatchBlocking),
                coll("nonblockingCollectivesReturnBeforeOthersJoin", CollectiveCases::nonblockingCollectivesReturnBeforeOthersJoin),
                coll("objectCollectives", CollectiveCases::objectCollectives),
                coll("collectiveArgumentErrors", CollectiveCases::collectiveArgumentErrors));
    }

    public static List<ConformanceCase> communicators() {
        return List.of(
                comms("dupSeparatesMessages", 1, CommunicatorCases::dupSeparatesMessages),
                comms("splitByColorAndKey", 1, CommunicatorCases::splitByColorAndKey),
                comms("createFromGroup", 1, CommunicatorCases::createFromGroup),
                comms("pointToPointOnSplit", 1, CommunicatorCases::pointToPointOnSplit),
                comms("cartesianGrid", 1, CommunicatorCases::cartesianGrid),
                comms("sixRankGrids", 6, CommunicatorCases::sixRankGrids));
    }

    /** Every section's cases, by section name, in running order. */
    public static Map<String, List<ConformanceCase>> sections() {
        Map<String, List<ConformanceCase>> m = new LinkedHashMap<>();
        m.put(POINT_TO_POINT, pointToPoint());
        m.put(NONBLOCKING, nonblocking());
        m.put(OBJECTS, objects());
        m.put(ERRORS, errors());
        m.put(COLLECTIVES, collectives());
        m.put(COMMUNICATORS, communicators());
        return Collections.unmodifiableMap(m);
    }

    /** Every case, in running order. */
    public static List<ConformanceCase> all() {
        List<ConformanceCase> all = new ArrayList<>();
        for (List<ConformanceCase> s : sections().values()) all.addAll(s);
        return Collections.unmodifiableList(all);
    }

    /**
     * The cases named by {@code names}: each a section name, a case name, or "section/case"; in
     * running order, each once. No names selects every case.
     *
     * @throws IllegalArgumentException for a name that is neither
     */
    public static List<ConformanceCase> select(List<String> names) {
        if (names.isEmpty()) return all();
        List<ConformanceCase> all = all();
        boolean[] chosen = new boolean[all.size()];
        for (String name : names) {
            boolean found = false;
            for (int i = 0; i < all.size(); i++) {
                ConformanceCase c = all.get(i);
                if (c.section().equals(name) || c.name().equals(name) || c.qualifiedName().equals(name)) {
                    chosen[i] = true;
                    found = true;
                }
            }
            if (!found) throw new IllegalArgumentException("no conformance case or section named '" + name + "'");
        }
        List<ConformanceCase> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) if (chosen[i]) out.add(all.get(i));
        return out;
    }

    /**
     * Session options for running the suite: the defaults (system properties) with the codec policy
     * also allowing {@link #SHAPES_PACKAGE}. Not the whole suite package: the errors section sends a
     * class outside it and expects a CODEC error.
     */
    public static CohortOptions options() {
        CodecPolicy policy = CodecPolicy.builder().allowPackage(SHAPES_PACKAGE).build();
        return CohortOptions.builder().codecPolicy(policy).build();
    }

    private static ConformanceCase p2p(String name, dev.cohort.RankBody body) {
        return new ConformanceCase(POINT_TO_POINT, name, 1, body);
    }

    private static ConformanceCase nb(String name, dev.cohort.RankBody body) {
        return new ConformanceCase(NONBLOCKING, name, 1, body);
    }

    private static ConformanceCase obj(String name, dev.cohort.RankBody body) {
        return new ConformanceCase(OBJECTS, name, 1, body);
    }

    private static ConformanceCase coll(String name, dev.cohort.RankBody body) {
        return new ConformanceCase(COLLECTIVES, name, 1, body);
    }

    private static ConformanceCase comms(String name, int minRanks, dev.cohort.RankBody body) {
        return new ConformanceCase(COMMUNICATORS, name, minRanks, body);
    }

    private static ConformanceCase err(String name, dev.cohort.RankBody body) {
        return new ConformanceCase(ERRORS, name, 1, body);
    }
}
