package dev.edgelens.tools.camerahealth;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX ModelProto for a single graph of standard-domain operators, writing only the
 * handful of ONNX messages and fields needed (field numbers from onnx/onnx.proto3). Everything is
 * written in insertion order with no timestamps or random ids, so equal calls give equal bytes.
 */
final class OnnxGraphBuilder {
    /** ONNX TensorProto.DataType values used here. */
    static final int FLOAT = 1;
    static final int INT64 = 7;

    // AttributeProto.AttributeType values.
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private final String graphName;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int nodeCounter;

    OnnxGraphBuilder(String graphName) {
        this.graphName = graphName;
    }

    void input(String name, int elemType, long... dims) {
        inputs.add(valueInfo(name, elemType, dims));
    }

    void output(String name, int elemType, long... dims) {
        outputs.add(valueInfo(name, elemType, dims));
    }

    /** A float constant stored as little-endian raw_data; returns its name for use as a node input. */
    String floatConstant(String name, long[] dims, float... values) {
        checkCount(name, dims, values.length);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        initializers.add(tensor(name, FLOAT, dims, raw.array()));
        return name;
    }

    /** A scalar float constant (shape []), broadcast by the elementwise operators. */
    String scalar(String name, float value) {
        return floatConstant(name, new long[0], value);
    }

    String int64Constant(String name, long[] dims, long... values) {
        checkCount(name, dims, values.length);
        ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        initializers.add(tensor(name, INT64, dims, raw.array()));
        return name;
    }

    /** Adds a node with one output named {@code output}; returns that name for chaining. */
    String node(String opType, String output, List<String> nodeInputs, Attr... attributes) {
        ProtoWriter node = new ProtoWriter();
        for (String in : nodeInputs) {
            node.string(1, in);
        }
        node.string(2, output);
        node.string(3, opType.toLowerCase() + "_" + (nodeCounter++));
        node.string(4, opType);
        for (Attr a : attributes) {
            node.message(5, a.proto);
        }
        nodes.add(node);
        return output;
    }

    String node(String opType, String output, String... nodeInputs) {
        return node(opType, output, List.of(nodeInputs));
    }

    void metadata(String key, String value) {
        metadata.put(key, value);
    }

    byte[] build(int irVersion, int opsetVersion, String producerName, String producerVersion, String docString) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));

        ProtoWriter model = new ProtoWriter();
        model.varint(1, irVersion);
        model.string(2, producerName);
        model.string(3, producerVersion);
        model.varint(5, 1); // model_version
        model.string(6, docString);
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").varint(2, opsetVersion));
        metadata.forEach((k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
        return model.toByteArray();
    }

    /** A node attribute, already encoded. */
    static final class Attr {
        private final ProtoWriter proto;

        private Attr(ProtoWriter proto) {
            this.proto = proto;
        }

        static Attr ofInt(String name, long value) {
            return new Attr(new ProtoWriter().string(1, name).varint(3, value).varint(20, ATTR_INT));
        }

        static Attr ofFloat(String name, float value) {
            return new Attr(new ProtoWriter().string(1, name).fixedFloat(2, value).varint(20, ATTR_FLOAT));
        }

        static Attr ofInts(String name, long... values) {
            return new Attr(new ProtoWriter().string(1, name).packedVarints(8, values).varint(20, ATTR_INTS));
        }
    }

    private static ProtoWriter tensor(String name, int dataType, long[] dims, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        if (dims.length > 0) {
            t.packedVarints(1, dims);
        }
        t.varint(2, dataType);
        t.string(8, name);
        t.bytes(9, raw);
        return t;
    }

    private static ProtoWriter valueInfo(String name, int elemType, long[] dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) {
            shape.message(1, new ProtoWriter().varint(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, elemType).message(2, shape);
        ProtoWriter type = new ProtoWriter().message(1, tensorType);
        return new ProtoWriter().string(1, name).message(2, type);
    }

    private static void checkCount(String name, long[] dims, int count) {
        long expected = 1;
        for (long d : dims) {
            expected *= d;
        }
        if (expected != count) {
            throw new IllegalArgumentException("constant " + name + ": " + count + " values for shape "
                    + java.util.Arrays.toString(dims) + " (expected " + expected + ")");
        }
    }
}
