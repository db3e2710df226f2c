package dev.pulse.local.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client at the frame level, over a plain socket, for what no stock client sends: java.net.http
 * splits every message into frames of 16 KB and only sends valid UTF-8, while browsers send a message as one
 * frame. RFC 6455 framing only: upgrade, masked client frames, unmasked server frames.
 */
final class RawWebSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int CONTINUATION = 0x0;
    private static final int CLOSE = 0x8;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawWebSocket connect(URI uri) throws IOException {
        var socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(10_000);
        var client = new RawWebSocket(socket);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        client.out.write(("GET " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        client.out.flush();
        String status = client.readHead();
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + status);
        }
        return client;
    }

    /** One complete, masked frame, written in one go. */
    void sendFrame(int opcode, byte[] payload) throws IOException {
        out.write(header(opcode, payload.length, payload));
        out.flush();
    }

    /**
     * The start of a frame that announces {@code length} payload bytes: its header and the first payload bytes, no
     * more. Enough for the server to judge the frame's size (Jetty checks it once payload arrives), and nothing
     * left unread when it closes: unread bytes would turn the close into a TCP reset, which can destroy the close
     * frame in flight.
     */
    void sendFrameStart(int opcode, long length, byte[] firstBytes) throws IOException {
        out.write(header(opcode, length, firstBytes));
        out.flush();
    }

    /** One frame from the server. */
    record Frame(boolean fin, int opcode, byte[] payload) {
    }

    /** The frames of the next message from the server, up to and including the one with FIN set. */
    List<Frame> readMessage() throws IOException {
        var frames = new ArrayList<Frame>();
        Frame frame;
        do {
            frame = readFrame();
            frames.add(frame);
        } while (!frame.fin());
        return frames;
    }

    /** Reads frames until the server's close frame and returns its status code. */
    int awaitCloseCode() throws IOException {
        while (true) {
            Frame frame = readFrame();
            if (frame.opcode() == CLOSE) {
                byte[] payload = frame.payload();
                return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
            }
        }
    }

    private Frame readFrame() throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("connection closed inside a frame");
        }
        return new Frame((first & 0x80) != 0, first & 0x0f, payload);
    }

    private static byte[] header(int opcode, long length, byte[] payload) {
        var frame = new ByteArrayOutputStream();
        frame.write(0x80 | opcode); // FIN: a whole message in this frame
        if (length < 126) {
            frame.write(0x80 | (int) length);
        } else if (length <= 0xffff) {
            frame.write(0x80 | 126);
            frame.write((int) (length >> 8));
            frame.write((int) length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (length >> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    private String readHead() throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        return head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
