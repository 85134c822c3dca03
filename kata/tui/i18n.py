"""The app's own words in English and Chinese (bank and kata texts carry their own)."""

from __future__ import annotations

_WORDS: dict[str, dict[str, str]] = {
    "home": {"en": "Home", "zh": "主页"},
    "quiz": {"en": "Quiz", "zh": "测验"},
    "kata": {"en": "Kata", "zh": "练习题"},
    "review": {"en": "Review", "zh": "复习"},
    "stats": {"en": "Stats", "zh": "统计"},
    "explore": {"en": "Explore", "zh": "图解"},
    "due": {"en": "{n} due", "zh": "{n} 张到期"},
    "due_items": {"en": "{n} due", "zh": "{n} 项到期"},
    "recent": {"en": "Recent activity", "zh": "最近活动"},
    "nothing_yet": {
        "en": "Nothing yet: start with a quiz or a kata.",
        "zh": "还没有记录：从测验或练习题开始吧。",
    },
    "quiz_desc": {"en": "Questions from the banks, with feedback", "zh": "题库中的题目，附讲解"},
    "kata_desc": {
        "en": "Write numpy functions, graded by hidden tests",
        "zh": "手写 numpy 函数，由隐藏测试评分",
    },
    "review_desc": {"en": "Spaced repetition of your questions and katas", "zh": "按间隔重复复习题目与练习题"},
    "stats_desc": {"en": "Accuracy, forecast and bests", "zh": "正确率、复习预测与最佳成绩"},
    "explore_desc": {"en": "Sigmoid and softmax, drawn", "zh": "sigmoid 与 softmax 图解"},
    "language": {"en": "中文", "zh": "English"},
    "theme": {"en": "Theme", "zh": "主题"},
    "right": {"en": "Right", "zh": "正确"},
    "wrong": {"en": "Wrong", "zh": "错误"},
    "partial": {"en": "Partly right", "zh": "部分正确"},
    "answer_was": {"en": "Answer", "zh": "答案"},
    "your_answer": {"en": "Your answer", "zh": "你的答案"},
    "not_answered": {"en": "not answered", "zh": "未作答"},
    "retry_unanswered": {"en": "Retry the missed and the unanswered", "zh": "重做答错和未作答的题"},
    "why_not": {"en": "Why not", "zh": "为什么不对"},
    "references": {"en": "References", "zh": "参考"},
    "next": {"en": "Next", "zh": "下一题"},
    "score": {"en": "score", "zh": "得分"},
    "time_left": {"en": "time left", "zh": "剩余时间"},
    "finished": {"en": "Finished", "zh": "完成"},
    "summary": {
        "en": "{right} right, {partial} partly, {wrong} wrong of {total}: {pct:.0f}%",
        "zh": "共 {total} 题：{right} 对，{partial} 部分对，{wrong} 错，{pct:.0f}%",
    },
    "timed_out": {"en": "Time is up.", "zh": "时间到。"},
    "retry": {"en": "Retry missed", "zh": "重做错题"},
    "practice": {"en": "Practice", "zh": "练习"},
    "recent_kata": {"en": "kata {kata}: {passed}/{total}", "zh": "练习题 {kata}：{passed}/{total}"},
    "recent_quiz": {"en": "quiz ({mode})", "zh": "测验（{mode}）"},
    "recent_quiz_planned": {"en": "quiz ({mode}, {n} questions)", "zh": "测验（{mode}，{n} 题）"},
    "exam": {"en": "Exam", "zh": "考试"},
    "submit": {"en": "Submit", "zh": "提交"},
    "type_answer": {"en": "Type your answer and press Enter", "zh": "输入答案后按回车"},
    "reveal": {"en": "Reveal", "zh": "显示答案"},
    "think_then_reveal": {
        "en": "Answer in your head, then reveal.",
        "zh": "先在心里作答，再显示答案。",
    },
    "reviewed": {"en": "{n} reviewed", "zh": "本次复习 {n} 题"},
    "review_answers": {"en": "questions: {right} right, {partial} partly, {wrong} wrong",
                       "zh": "题目：{right} 对，{partial} 部分对，{wrong} 错"},
    "next_review": {"en": "Next review: {when}", "zh": "下次复习：{when}"},
    "again": {"en": "Again", "zh": "重来"},
    "hard": {"en": "Hard", "zh": "困难"},
    "good": {"en": "Good", "zh": "良好"},
    "easy": {"en": "Easy", "zh": "简单"},
    "undo": {"en": "Undo", "zh": "撤销"},
    "no_due": {
        "en": "Nothing is due: no card and no kata. Practise some questions or katas first, or come back later.",
        "zh": "没有到期的卡片或练习题。先做些题目或练习题，或稍后再来。",
    },
    "katas_due_title": {
        "en": "Katas due for review ({n}): Enter opens one in the editor",
        "zh": "到期复习的练习题（{n}）：按回车在编辑器中打开",
    },
    "katas_due_count": {"en": "katas due: {n}", "zh": "到期练习题：{n}"},
    "kata_last": {"en": "last {result} {when}", "zh": "上次{result}（{when}）"},
    "review_questions": {"en": "On to the questions due ({n})", "zh": "继续复习到期的题目（{n}）"},
    "back_to_review": {"en": "Back to review", "zh": "返回复习"},
    "run_examples": {"en": "Run examples", "zh": "运行示例"},
    "cancel": {"en": "Cancel", "zh": "取消"},
    "hint": {"en": "Hint", "zh": "提示"},
    "grading": {"en": "Grading…", "zh": "评分中…"},
    "cancelled": {"en": "Cancelled.", "zh": "已取消。"},
    "saved": {"en": "saved", "zh": "已保存"},
    "reloaded": {"en": "reloaded from disk", "zh": "已从磁盘重新载入"},
    "passed": {"en": "Passed {p}/{t} in {time}", "zh": "通过 {p}/{t}，用时 {time}"},
    "failed": {"en": "{p}/{t} checks passed", "zh": "通过 {p}/{t} 项检查"},
    "status_pass": {"en": "passed", "zh": "通过"},
    "status_fail": {"en": "failed", "zh": "未通过"},
    "status_error": {"en": "error", "zh": "出错"},
    "status_timeout": {"en": "time limit", "zh": "超时"},
    "status_memory": {"en": "memory limit", "zh": "内存超限"},
    "status_skipped": {"en": "skipped", "zh": "已跳过"},
    "true": {"en": "True", "zh": "对"},
    "false": {"en": "False", "zh": "错"},
    "missed": {"en": "missed", "zh": "漏选"},
    "missed_options": {"en": "Correct but not picked", "zh": "漏选的正确选项"},
    "tick_one": {"en": "Tick at least one option (1-9 or Enter), then submit.", "zh": "请至少勾选一个选项（1-9 或回车），再提交。"},
    "why_disk_full": {"en": "the disk is full", "zh": "磁盘已满"},
    "why_quota": {"en": "the disk quota is used up", "zh": "磁盘配额已用完"},
    "why_read_only": {"en": "the file system is read-only", "zh": "文件系统是只读的"},
    "why_denied": {"en": "permission denied", "zh": "没有写入权限"},
    "why_folder": {"en": "a folder is in the way", "zh": "该位置是一个文件夹"},
    "why_no_folder": {"en": "its folder cannot be made", "zh": "无法创建它所在的文件夹"},
    "not_saved": {
        "en": "{file} NOT saved ({why}): your text is kept here; trying again every {every:g} s",
        "zh": "{file} 未能保存（{why}）：代码仍保留在编辑器中；每 {every:g} 秒重试一次",
    },
    "saved_again": {"en": "{file} saved again", "zh": "{file} 已重新保存"},
    "unsaved_leave": {
        "en": "{file} is not saved ({why}). Press the key again to leave anyway, and lose the unsaved text.",
        "zh": "{file} 尚未保存（{why}）。再按一次该键将直接离开，未保存的内容会丢失。",
    },
    "waiting": {"en": "waiting…", "zh": "等待中…"},
    "next_kata": {"en": "Next kata", "zh": "下一道练习题"},
    "again_timed": {"en": "Again, timed", "zh": "计时重做"},
    "subtitle": {"en": "ML interview dojo", "zh": "机器学习面试道场"},
    "cmd_go": {"en": "Go to {area}", "zh": "前往{area}"},
    "cmd_practice": {"en": "Quiz: new practice", "zh": "测验：新的练习"},
    "cmd_practice_help": {"en": "Start a practice session", "zh": "开始一次练习"},
    "cmd_exam": {"en": "Quiz: new exam", "zh": "测验：新的考试"},
    "cmd_exam_help": {"en": "Start a timed exam", "zh": "开始一次限时考试"},
    "cmd_retry": {"en": "Quiz: retry the missed questions", "zh": "测验：重做错题"},
    "cmd_retry_help": {"en": "The questions missed last time", "zh": "上次答错的题目"},
    "cmd_banks": {"en": "Quiz: choose the banks", "zh": "测验：选择题库"},
    "cmd_banks_help": {"en": "Pick the banks a quiz draws from", "zh": "选择测验出题的题库"},
    "cmd_lang_help": {"en": "Switch the language", "zh": "切换语言"},
    "cmd_key_help": {"en": "What {keys} does on this screen", "zh": "本屏 {keys} 键的功能"},
    "cmd_theme": {"en": "Next theme", "zh": "下一个主题"},
    "cmd_theme_help": {"en": "Cycle through a few themes", "zh": "在几个主题之间切换"},
    "cmd_kata_help": {"en": "Open the {id} kata", "zh": "打开练习题 {id}"},
    "hint_label": {"en": "Hint: ", "zh": "提示："},
    "tried": {"en": "Tried", "zh": "调用"},
    "got": {"en": "Got", "zh": "实际"},
    "expected": {"en": "Expected", "zh": "期望"},
    "differs_at": {"en": "first difference at index {index}", "zh": "第一个不同之处在下标 {index}"},
    "grader_says": {"en": "The grader's message", "zh": "评分器的完整信息"},
    "all_passed": {"en": "All {n} checks passed.", "zh": "全部 {n} 项检查通过。"},
    "printed": {"en": "What your code printed", "zh": "你的代码的输出"},
    "printed_nothing": {"en": "(nothing)", "zh": "（无）"},
    "statement": {"en": "Statement", "zh": "题目"},
    "details": {"en": "Details", "zh": "详情"},
    "col_check": {"en": "check", "zh": "检查项"},
    "col_message": {"en": "message", "zh": "信息"},
    "grade_crashed": {
        "en": "Grading stopped on an unexpected error: {error}",
        "zh": "评分因意外错误而中止：{error}",
    },
    "untimed": {"en": "untimed (^N: timed attempt)", "zh": "未计时（^N：计时重做）"},
    "not_timed": {
        "en": "Not timed: this attempt did not start from the starter, so no time is recorded. "
        "Ctrl+N starts a timed attempt.",
        "zh": "未计时：这次不是从初始代码开始的，所以不记录用时。按 Ctrl+N 开始一次计时练习。",
    },
    "new_attempt_started": {
        "en": "A timed attempt from the starter; your previous code is in {prev}.",
        "zh": "已从初始代码开始计时练习；之前的代码保存在 {prev}。",
    },
    "best": {"en": "Your best", "zh": "你的最佳"},
    "solution": {"en": "Reference solution", "zh": "参考答案"},
    "close": {"en": "Close", "zh": "关闭"},
    "accuracy": {"en": "Accuracy by bank", "zh": "各题库正确率"},
    "accuracy_tag": {"en": "Accuracy by tag", "zh": "各标签正确率"},
    "forecast": {"en": "Review forecast (cards due per day)", "zh": "复习预测（每日到期卡片）"},
    "katas": {"en": "Katas", "zh": "练习题"},
    "temperature": {"en": "temperature", "zh": "温度"},
    "pick_kata": {"en": "Pick a kata (Enter)", "zh": "选择练习题（回车）"},
    "time": {"en": "Time", "zh": "时间"},
    "new_best": {"en": "A new best time!", "zh": "新的最佳时间！"},
    "vs_best": {
        "en": "Your best is {best}; this one took {slower} longer.",
        "zh": "你的最佳是 {best}；这次多用了 {slower}。",
    },
    "passes": {
        "en": "Passed {passes} of {attempts} submissions.",
        "zh": "{attempts} 次提交中通过 {passes} 次。",
    },
    "history": {"en": "Recent kata attempts", "zh": "最近的练习题提交"},
    "pick_banks": {
        "en": "Banks to draw questions from (space toggles)",
        "zh": "选择题库（空格切换）",
    },
    "start": {"en": "Start", "zh": "开始"},
    "pick_tags": {"en": "Tags (none ticked: every tag)", "zh": "标签（不勾选：全部标签）"},
    "difficulty_from": {"en": "Difficulty from", "zh": "难度从"},
    "difficulty_to": {"en": "to", "zh": "到"},
    "practice_length": {"en": "Questions per practice round", "zh": "每轮练习题数"},
    "exam_length": {"en": "Exam: questions and time", "zh": "考试：题数与时长"},
    "all_questions": {"en": "all", "zh": "全部"},
    "minutes": {"en": "{n} min", "zh": "{n} 分钟"},
    "nothing_matches": {"en": "No question matches these banks, tags and difficulties: widen the choice.",
                        "zh": "没有题目符合这些题库、标签和难度：请放宽选择。"},
    "picture": {"en": "Picture", "zh": "图解"},
    "picture_hint": {"en": "press `x` to see it drawn in Explore", "zh": "按 `x` 在图解页查看"},
}


#: The footer's key descriptions (the bindings' English words) in the other languages.
_KEYS: dict[str, dict[str, str]] = {
    "zh": {
        "+5 min": "+5 分钟", "Again": "再来", "Back": "返回", "Banks": "题库", "Cancel": "取消",
        "Close": "关闭", "Details": "详情", "Exam": "考试", "Explore": "图解", "Hint": "提示",
        "Home": "主页", "Kata": "练习题", "New attempt": "计时重做", "Next kata": "下一道",
        "Next": "下一题", "Picture": "图解", "Practice": "练习", "Quit": "退出", "Quiz": "测验",
        "Refresh": "刷新", "Retry missed": "重做错题", "Reveal": "显示答案", "Review": "复习",
        "Run examples": "运行示例", "Start": "开始", "Stats": "统计", "Submit": "提交",
        "Theme": "主题", "Undo": "撤销", "Wide statement": "加宽题目", "palette": "命令",
    },
}


def key_label(description: str, lang: str) -> str:
    """A key's description in ``lang`` (as it is when there is no translation)."""
    return _KEYS.get(lang, {}).get(description, description)


def t(key: str, lang: str, **values: object) -> str:
    """The word ``key`` in ``lang`` (English if missing), formatted with ``values``."""
    entry = _WORDS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a count of seconds."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
