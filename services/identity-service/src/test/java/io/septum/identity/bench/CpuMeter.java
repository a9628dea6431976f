package io.septum.identity.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU seconds used by each party of a benchmark: the service (bench.service.pid), the NATS server (bench.nats.pid),
 * the PostgreSQL backends serving the benchmark's database, and the benchmark's own clients. The machine is shared
 * with other work, so wall-clock rates depend on what else runs; CPU time per operation does much less, and gives
 * the rate the machine could reach if the benchmark had it to itself (2 cores / CPU seconds per operation).
 */
final class CpuMeter {

    /** CPU seconds by party at one moment. */
    record Sample(Map<String, Double> seconds) {
        /** CPU microseconds each party spent per operation between {@code before} and this sample. */
        Map<String, Object> microsPerOperation(Sample before, long operations) {
            Map<String, Object> out = new LinkedHashMap<>();
            double total = 0;
            for (var party : seconds.entrySet()) {
                double spent = party.getValue() - before.seconds.getOrDefault(party.getKey(), 0.0);
                total += spent;
                out.put(party.getKey(), Bench.round(spent * 1e6 / Math.max(1, operations)));
            }
            out.put("total", Bench.round(total * 1e6 / Math.max(1, operations)));
            return out;
        }

        /** Operations a second all cores could carry at the CPU cost measured, if nothing else ran. */
        double projectedPerSecond(Sample before, long operations) {
            double total = 0;
            for (var party : seconds.entrySet()) {
                total += party.getValue() - before.seconds.getOrDefault(party.getKey(), 0.0);
            }
            return total <= 0 ? Double.NaN : Bench.round(Runtime.getRuntime().availableProcessors() * operations / total);
        }
    }

    private final String database;

    CpuMeter(String database) {
        this.database = database;
    }

    Sample sample() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("service", process(System.getProperty("bench.service.pid")));
        seconds.put("nats", process(System.getProperty("bench.nats.pid")));
        double postgres = 0;
        for (String pid : backends()) {
            double s = process(pid);
            postgres += Double.isNaN(s) ? 0 : s;
        }
        seconds.put("postgres", postgres);
        seconds.put("clients", ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime() / 1e9);
        seconds.values().removeIf(v -> Double.isNaN(v));
        return new Sample(seconds);
    }

    /** User + system CPU seconds of a process, NaN when unknown. */
    static double process(String pid) {
        if (pid == null || pid.isEmpty()) {
            return Double.NaN;
        }
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime in 1/100 s
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The pids of the backends connected to the benchmark's database (the service's pool). */
    private List<String> backends() {
        List<String> pids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "septum", "septum");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")) {
            while (rs.next()) {
                pids.add(Integer.toString(rs.getInt(1)));
            }
        } catch (SQLException e) {
            // no database figures then
        }
        return pids;
    }
}
