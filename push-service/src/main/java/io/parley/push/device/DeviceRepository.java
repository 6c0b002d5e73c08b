package io.parley.push.device;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Repository;

/**
 * {@code push_devices}: a user's devices, one partition per user. Every query names the user, so
 * one user's requests can never reach another's devices.
 */
@Repository
public class DeviceRepository {

    private final CqlSession session;
    private final PreparedStatement upsert;
    private final PreparedStatement selectAll;
    private final PreparedStatement selectOne;
    private final PreparedStatement delete;
    private final PreparedStatement deleteIfToken;

    DeviceRepository(CqlSession session) {
        this.session = session;
        this.upsert = session.prepare(
                "INSERT INTO push_devices (user_id, device_id, platform, fcm_token, updated_at) VALUES (?, ?, ?, ?, ?)");
        this.selectAll = session.prepare(
                "SELECT device_id, platform, fcm_token, updated_at FROM push_devices WHERE user_id = ?");
        this.selectOne = session.prepare(
                "SELECT device_id FROM push_devices WHERE user_id = ? AND device_id = ?");
        this.delete = session.prepare("DELETE FROM push_devices WHERE user_id = ? AND device_id = ?");
        this.deleteIfToken = session.prepare("DELETE FROM push_devices WHERE user_id = ? AND device_id = ? IF fcm_token = ?");
    }

    void save(long userId, Device device) {
        session.execute(upsert.bind(userId, device.deviceId(), device.platform().wireName(), device.token(),
                device.updatedAt()));
    }

    /** The user's devices, ordered by device id. */
    public List<Device> devicesOf(long userId) {
        return session.execute(selectAll.bind(userId)).all().stream().map(DeviceRepository::device).toList();
    }

    /** Removes the device; false if the user has no such device. */
    boolean delete(long userId, String deviceId) {
        if (session.execute(selectOne.bind(userId, deviceId)).one() == null) {
            return false;
        }
        session.execute(delete.bind(userId, deviceId));
        return true;
    }

    /**
     * Removes a device whose token FCM rejected, but only if it still has that token: a device that
     * registered a fresh token meanwhile keeps it (a conditional delete, so the check and the delete
     * cannot be split by a concurrent PUT).
     *
     * @return true if it was deleted
     */
    public boolean deleteIfTokenIs(long userId, String deviceId, String token) {
        return session.execute(deleteIfToken.bind(userId, deviceId, token)).wasApplied();
    }

    private static Device device(Row row) {
        Instant updatedAt = row.getInstant("updated_at");
        Platform platform = Platform.fromWire(row.getString("platform")).orElse(Platform.ANDROID);
        return new Device(row.getString("device_id"), platform, row.getString("fcm_token"), updatedAt);
    }
}
