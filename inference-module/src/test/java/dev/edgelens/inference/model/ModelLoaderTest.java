package dev.edgelens.inference.model;

import dev.edgelens.inference.TestSupport;
import dev.edgelens.inference.preprocess.FramePreprocessor;
import dev.edgelens.inference.preprocess.Layout;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading, validation and classification of real pretrained models on the shared photos. */
class ModelLoaderTest {

    @TempDir
    static Path dir;
    static ModelLoader loader;
    static LoadedModel mobilenet;

    @BeforeAll
    static void loadMobileNet() throws Exception {
        loader = new ModelLoader(ExecutionProvider.CPU, 1, 0);
        TestSupport.installModel(dir, "mobilenetv2-12-int8.onnx", "mobilenet", "imagenet-synset-labels.txt",
                TestSupport.MOBILENET_SIDECAR);
        mobilenet = loader.load(ModelFiles.in(dir, "mobilenet"));
    }

    @AfterAll
    static void close() {
        if (mobilenet != null) {
            mobilenet.close();
        }
    }

    /** Classifies a photo (BGR24) and returns the top-k selection. */
    static TopK classify(LoadedModel m, TestSupport.Bgr img, int k) {
        FramePreprocessor pre = new FramePreprocessor(m.spec());
        pre.prepare(img.width(), img.height(), img.width() * 3, 3, true);
        pre.run(img.pixels(), 0);
        TopK top = new TopK(k);
        top.select(m.run(pre.output()), m.classes(), m.softmax());
        return top;
    }

    @Test
    void mobileNetClassifiesTheCatAndTheCoffee() throws IOException {
        assertEquals(1000, mobilenet.classes());
        assertEquals(Layout.NCHW, mobilenet.spec().layout());
        assertEquals(224, mobilenet.spec().width());
        TopK cat = classify(mobilenet, TestSupport.bgr("chelsea.png"), 3);
        assertTrue(cat.index(0) >= 281 && cat.index(0) <= 285, "chelsea.png top-1 is a cat class, got "
                + cat.index(0) + " " + mobilenet.labels().get(cat.index(0)));
        assertTrue(cat.score(0) > 0.5f, "confident cat: " + cat.score(0));
        TopK coffee = classify(mobilenet, TestSupport.bgr("coffee.png"), 3);
        String label = mobilenet.labels().get(coffee.index(0));
        assertTrue(label.equals("espresso") || label.equals("cup"), "coffee.png top-1: " + label);
        assertEquals("Egyptian cat", mobilenet.labels().get(285), "synset id and synonyms are stripped");
        assertEquals("cc028fe6cae7", mobilenet.ref().sha256());
    }

    @Test
    void mnistWorksWithoutSidecarFromItsInputShape() throws Exception {
        TestSupport.installModel(dir, "mnist-8.onnx", "mnist", "mnist-labels.txt", null);
        try (LoadedModel mnist = loader.load(ModelFiles.in(dir, "mnist"))) {
            assertEquals(1, mnist.spec().channels());
            assertEquals(28, mnist.spec().width());
            assertEquals(10, mnist.classes());
            assertEquals("Zero", mnist.labels().get(classify(mnist, TestSupport.bgr("mnist-digit-0.jpg"), 1).index(0)));
            assertEquals("Three", mnist.labels().get(classify(mnist, TestSupport.bgr("mnist-digit-3.jpg"), 1).index(0)));
        }
    }

    @Test
    void paddleOcrOrientationNeedsAndUsesTheSidecar() throws Exception {
        TestSupport.installModel(dir, "ppocr-mobile-v2.0-cls-infer.onnx", "ppocr", "ppocr-cls-labels.txt", null);
        ModelRejectedException e = assertThrows(ModelRejectedException.class,
                () -> loader.load(ModelFiles.in(dir, "ppocr")));
        assertEquals("ppocr.onnx", e.file());
        assertTrue(e.reason().contains("dynamic") && e.reason().contains("ppocr.json"), e.getMessage());

        Files.writeString(dir.resolve("ppocr.json"), TestSupport.PPOCR_SIDECAR);
        try (LoadedModel ppocr = loader.load(ModelFiles.in(dir, "ppocr"))) {
            assertEquals(192, ppocr.spec().width());
            assertEquals(48, ppocr.spec().height());
            TestSupport.Bgr line = TestSupport.bgr("page.png").crop(0, 42, 120, 30);
            assertEquals("0", ppocr.labels().get(classify(ppocr, line, 1).index(0)), "upright text line");
            assertEquals("180", ppocr.labels().get(classify(ppocr, line.rotate180(), 1).index(0)), "upside-down line");
        }
    }

    @Test
    void detectorIsRejectedWithTheOutputShape() throws Exception {
        TestSupport.installModel(dir, "yolox-nano.onnx", "yolox-nano", null, null);
        ModelRejectedException e = assertThrows(ModelRejectedException.class,
                () -> loader.load(ModelFiles.in(dir, "yolox-nano")));
        assertEquals("yolox-nano.onnx: output [1,3549,85] is not a class-score vector", e.getMessage());
    }

    @Test
    void truncatedModelIsRejected() throws Exception {
        byte[] full = Files.readAllBytes(TestSupport.sharedModel("mobilenetv2-12-int8.onnx"));
        Files.write(dir.resolve("truncated.onnx"), java.util.Arrays.copyOf(full, full.length / 2));
        ModelRejectedException e = assertThrows(ModelRejectedException.class,
                () -> loader.load(ModelFiles.in(dir, "truncated")));
        assertEquals("truncated.onnx", e.file());
        assertTrue(e.reason().startsWith("cannot be loaded as an ONNX model"), e.getMessage());
    }

    @Test
    void textFileRenamedOnnxIsRejected() throws Exception {
        Files.writeString(dir.resolve("notes.onnx"), "this is not a model, just some text\n");
        ModelRejectedException e = assertThrows(ModelRejectedException.class,
                () -> loader.load(ModelFiles.in(dir, "notes")));
        assertEquals("notes.onnx", e.file());
        assertTrue(e.reason().startsWith("cannot be loaded as an ONNX model"), e.getMessage());
    }

    @Test
    void labelsWithTheWrongLineCountAreRejected() throws Exception {
        TestSupport.installModel(dir, "mobilenetv2-12-int8.onnx", "badlabels", "mnist-labels.txt",
                TestSupport.MOBILENET_SIDECAR);
        ModelRejectedException e = assertThrows(ModelRejectedException.class,
                () -> loader.load(ModelFiles.in(dir, "badlabels")));
        assertEquals("badlabels.labels.txt: has 10 labels but badlabels.onnx outputs 1000 classes", e.getMessage());
    }

    @Test
    void sidecarTyposAreRejectedNamingTheField() throws Exception {
        TestSupport.installModel(dir, "mnist-8.onnx", "typo", null, "{\"colourOrder\": \"BGR\"}");
        ModelRejectedException e = assertThrows(ModelRejectedException.class,
                () -> loader.load(ModelFiles.in(dir, "typo")));
        assertEquals("typo.json", e.file());
        assertTrue(e.reason().contains("unknown field 'colourOrder'"), e.getMessage());
    }
}
