// Judges patterns the way Data Prep's Java does, for flowc's differential test
// (crates/flowc-check/tests/jvm_agreement.rs). One request per line on stdin:
//   D <hex of the UTF-8 pattern>   DateTimeFormatter.ofPattern(pattern)
//   R <hex of the UTF-8 pattern>   Pattern.compile(pattern)
// and one answer per line on stdout: "ok", or "error <exception class>: <first message line>".
// Run it without compiling first: java crates/flowc-check/jvm/PatternJudge.java

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

public class PatternJudge {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        String line;
        while ((line = in.readLine()) != null) {
            if (line.length() < 2) continue;
            String pattern = unhex(line.substring(2));
            try {
                if (line.charAt(0) == 'D') DateTimeFormatter.ofPattern(pattern);
                else Pattern.compile(pattern);
                out.println("ok");
            } catch (Throwable e) {
                String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                out.println("error " + e.getClass().getSimpleName() + ": " + message);
            }
            out.flush();
        }
    }

    static String unhex(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++)
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
