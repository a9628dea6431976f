package io.septum.identity.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every identity benchmark shares: its settings from system properties, and its one line of JSON. */
final class Bench {

    static final ObjectMapper JSON = new ObjectMapper();

    private Bench() {
    }

    static URI url() {
        return URI.create(System.getProperty("bench.url", "http://127.0.0.1:38081"));
    }

    static String natsUrl() {
        return System.getProperty("bench.nats", "nats://127.0.0.1:4225");
    }

    static int intSetting(String name, int absent) {
        return Integer.getInteger("bench." + name, absent);
    }

    static Map<String, Object> result(String benchmark) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", benchmark);
        out.put("cores", Runtime.getRuntime().availableProcessors());
        out.put("loadAverageBefore", loadAverage());
        return out;
    }

    /** The one-minute load average: other work on the machine shares its cores with the benchmark. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static void print(Map<String, Object> result) throws Exception {
        System.out.println(JSON.writeValueAsString(result));
    }

    static CpuMeter cpu() {
        return new CpuMeter(System.getProperty("bench.database", "septum_identity_bench"));
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
