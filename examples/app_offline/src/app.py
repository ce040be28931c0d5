"""line_stats: count the lines and words of a text file, one subjob per chunk of lines.

main splits the file into chunks and starts a "count" subjob for each, then a "summarize"
subjob that receives the counts as job-based references (resolved by the platform once the
counters are done) and writes a report file and a stats record. main returns references to
summarize's outputs: the job finishes when they can be resolved.
"""
import dxpy


@dxpy.entry_point("count")
def count(lines):
    return {"lines": len(lines), "words": sum(len(line.split()) for line in lines)}


@dxpy.entry_point("summarize")
def summarize(name, lines, words):
    total_lines, total_words = sum(lines), sum(words)
    report = dxpy.upload_string("%s: %d lines, %d words\n" % (name, total_lines, total_words),
                                name=name + ".stats.txt", wait_on_close=True)
    stats = dxpy.new_dxrecord(name=name + " stats", details={"lines": total_lines, "words": total_words,
                                                             "per_chunk": lines}, close=True)
    return {"report": dxpy.dxlink(report), "stats": dxpy.dxlink(stats), "lines": total_lines}


@dxpy.entry_point("main")
def main(text, chunks=2):
    if chunks < 1:
        raise dxpy.AppError("chunks must be at least 1, not %d" % chunks)
    source = dxpy.DXFile(text)
    name = source.describe()["name"]
    with dxpy.open_dxfile(source.get_id()) as handle:
        lines = handle.read().splitlines()
    if not lines:
        # An AppError is the user's fault: the job fails with failureReason "AppError" and this message.
        raise dxpy.AppError("The input file %s is empty" % name)

    size = -(-len(lines) // chunks)  # ceiling division: at most `chunks` subjobs
    counters = [dxpy.new_dxjob({"lines": lines[start:start + size]}, "count", name="count %d" % number)
                for number, start in enumerate(range(0, len(lines), size))]
    summary = dxpy.new_dxjob({"name": name,
                              "lines": [job.get_output_ref("lines") for job in counters],
                              "words": [job.get_output_ref("words") for job in counters]}, "summarize")
    return {"report": summary.get_output_ref("report"), "stats": summary.get_output_ref("stats"),
            "lines": summary.get_output_ref("lines")}


dxpy.run()
