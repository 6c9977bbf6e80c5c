import java.lang.reflect.Constructor;
import java.util.Map;
import picocli.CommandLine;

/**
 * Prints the usage help of a picocli command and of every subcommand below it, each after a line
 * "@@@ SUBCOMMAND PATH", in one JVM: the input of packaging/manpage.sh. Run as a source file:
 * java -cp CLASSPATH packaging/HelpDump.java MAIN_CLASS
 */
public final class HelpDump {
    public static void main(String[] args) throws Exception {
        Constructor<?> c = Class.forName(args[0]).getDeclaredConstructor();
        c.setAccessible(true);
        dump(new CommandLine(c.newInstance()), "");
    }

    private static void dump(CommandLine cl, String path) {
        System.out.println("@@@ " + path);
        System.out.print(cl.getUsageMessage(CommandLine.Help.Ansi.OFF));
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            String name = e.getValue().getCommandName();
            if (name.equals(e.getKey()) && !name.equals("help")) {
                dump(e.getValue(), (path + " " + name).trim());
            }
        }
    }
}
